import { AppConfig } from '../../config/app-config';
import { SipUserConflictError } from '../sip-user-directory.port';
import { TelephonyError } from '../telephony-gateway.port';
import { AriSipUserDirectory, contactObjectId, toSipRegistration } from './ari-sip-user-directory';

type Call = { method: string; url: string; body?: { fields: { attribute: string; value: string }[] } };

/** A fake ARI holding objects by "type/id"; a list value is a field ARI repeats (an AOR's contacts). */
function fakeAri(objects: Record<string, Record<string, string | string[]>> = {}) {
  const calls: Call[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    expect((init?.headers as Record<string, string>).authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    const key = decodeURIComponent(url.replace('http://ari:8088/ari/asterisk/config/dynamic/res_pjsip/', ''));
    if (method === 'GET') {
      const object = objects[key];
      if (!object) return new Response('{"message":"not found"}', { status: 404 });
      const fields = Object.entries(object).flatMap(([attribute, value]) =>
        [value].flat().map((one) => ({ attribute, value: one })),
      );
      return new Response(JSON.stringify(fields), { status: 200 });
    }
    if (method === 'PUT') {
      objects[key] = Object.fromEntries(
        body.fields.map((f: { attribute: string; value: string }) => [f.attribute, f.value]),
      );
      return new Response('[]', { status: 200 });
    }
    delete objects[key];
    return new Response(null, { status: 204 });
  };
  const config = Object.assign(new AppConfig(), {
    ariUrl: 'http://ari:8088/',
    ariUsername: 'u',
    ariPassword: 'p',
  });
  const directory = new AriSipUserDirectory(config);
  directory.fetch = fetchImpl as typeof fetch;
  return { directory, calls, objects };
}

describe('AriSipUserDirectory', () => {
  it('creates credentials, AOR and endpoint through ARI dynamic configuration', async () => {
    const { directory, calls, objects } = fakeAri();
    await directory.upsert({ id: 'alice', username: 'alice', passwordHa1: 'a'.repeat(32) });
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.url.split('res_pjsip/')[1])).toEqual([
      'auth/cw-auth-alice',
      'aor/alice',
      'endpoint/alice',
    ]);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(objects['auth/cw-auth-alice']).toMatchObject({
      auth_type: 'md5',
      md5_cred: 'a'.repeat(32),
      username: 'alice',
      realm: 'callwright',
    });
    expect(objects['aor/alice']).toEqual({
      max_contacts: '1',
      remove_existing: 'yes',
      qualify_frequency: '0',
    });
    expect(objects['endpoint/alice']).toMatchObject({
      auth: 'cw-auth-alice',
      aors: 'alice',
      context: 'from-sip',
      direct_media: 'no',
      dtmf_mode: 'rfc4733',
      rewrite_contact: 'yes',
    });
    expect(directory.dialString('alice')).toBe('PJSIP/alice');
  });

  it('never updates an existing AOR (that would freeze its registration)', async () => {
    const { directory, calls } = fakeAri({
      'endpoint/alice': { auth: 'cw-auth-alice' },
      'aor/alice': { max_contacts: '1', contact: 'sip:alice@127.0.0.1:5099' },
    });
    await directory.upsert({ id: 'alice', username: 'alice', password: 'secret-123' });
    expect(calls.some((c) => c.method === 'PUT' && c.url.endsWith('/aor/alice'))).toBe(false);
    expect(await directory.contacts('alice')).toEqual(['sip:alice@127.0.0.1:5099']);
  });

  it('allows maxContacts phones, and makes the AOR again only when that number changes', async () => {
    const { directory, calls, objects } = fakeAri();
    await directory.upsert({ id: '1001@acme.pbx', username: '1001', password: 'secret-123', maxContacts: 5 });
    expect(objects['aor/1001@acme.pbx']).toEqual({
      max_contacts: '5',
      remove_existing: 'yes',
      qualify_frequency: '0',
    });
    objects['aor/1001@acme.pbx'].contact = ['sip:1001@127.0.0.1:5301', 'sip:1001@127.0.0.1:5302'];
    const aorWrites = () =>
      calls.filter((c) => c.method !== 'GET' && c.url.endsWith('/aor/1001%40acme.pbx')).map((c) => c.method);

    calls.length = 0;
    await directory.upsert({ id: '1001@acme.pbx', username: '1001', password: 'secret-123', maxContacts: 5 });
    expect(aorWrites()).toEqual([]);

    // An AOR from before (one contact): deleted, so the copy never freezes its registration, then made anew.
    calls.length = 0;
    objects['aor/1001@acme.pbx'] = { max_contacts: '1', contact: 'sip:1001@127.0.0.1:5301' };
    await directory.upsert({ id: '1001@acme.pbx', username: '1001', password: 'secret-123', maxContacts: 5 });
    expect(aorWrites()).toEqual(['DELETE', 'PUT']);
    expect(objects['aor/1001@acme.pbx']).toMatchObject({ max_contacts: '5' });
  });

  it('reads every registration of an AOR from its contact objects', async () => {
    const aor = '9001@probe.local';
    const desk = 'sip:9001@127.0.0.1:5301;transport=UDP';
    const soft = 'sip:9001@127.0.0.1:5302;transport=UDP';
    const { directory, calls } = fakeAri({
      [`aor/${aor}`]: { max_contacts: '5', contact: [desk, soft] },
      [`contact/${contactObjectId(aor, desk)}`]: {
        uri: desk,
        user_agent: 'Desk phone 1.0',
        expiration_time: '1796190969',
        via_addr: '192.168.1.20',
        via_port: '5301',
        endpoint: aor,
      },
    });
    expect(await directory.contacts(aor)).toEqual([desk, soft]);
    expect(await directory.registrations(aor)).toEqual([
      {
        contact: desk,
        userAgent: 'Desk phone 1.0',
        expiresAt: new Date('2026-12-02T05:56:09.000Z'),
        viaAddress: '192.168.1.20',
        viaPort: 5301,
      },
      // Its object is gone (expired since the AOR was read): the URI is all there is.
      { contact: soft, userAgent: null, expiresAt: null, viaAddress: null, viaPort: null },
    ]);
    // The registrar's naming: `<aor>;@<md5 of the URI>`, escaped in the path.
    expect(contactObjectId(aor, desk)).toBe('9001@probe.local;@04d4a9e4c844c1f45e522cfe6cb3c22e');
    expect(calls.map((c) => c.url.split('res_pjsip/')[1])).toContain(
      'contact/9001%40probe.local%3B%4004d4a9e4c844c1f45e522cfe6cb3c22e',
    );
    expect(await directory.registrations('nobody')).toEqual([]);
  });

  it('maps what a contact object leaves empty to null', () => {
    const uri = 'sip:bob@127.0.0.1:5099';
    const fields = (values: Record<string, string>) =>
      Object.entries(values).map(([attribute, value]) => ({ attribute, value }));
    expect(
      toSipRegistration(uri, fields({ user_agent: '', expiration_time: '0', via_addr: '', via_port: '0' })),
    ).toEqual({ contact: uri, userAgent: null, expiresAt: null, viaAddress: null, viaPort: null });
    expect(toSipRegistration(uri, fields({ expiration_time: 'soon', via_port: 'x' }))).toMatchObject({
      expiresAt: null,
      viaPort: null,
    });
  });

  it('refuses and never removes an object configured otherwise', async () => {
    const { directory, calls } = fakeAri({ 'endpoint/carrier': { auth: '' }, 'aor/carrier': {} });
    expect(await directory.isAvailable('carrier')).toBe(false);
    await expect(directory.upsert({ id: 'carrier', username: 'carrier', password: 'x' })).rejects.toThrow(
      SipUserConflictError,
    );
    await directory.remove('carrier');
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('reads contacts ([] when absent) and reports an unreachable ARI as TelephonyError', async () => {
    const { directory } = fakeAri({ 'aor/bob': { contact: '' } });
    expect(await directory.contacts('bob')).toEqual([]);
    expect(await directory.contacts('nobody')).toEqual([]);
    directory.fetch = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(directory.contacts('bob')).rejects.toThrow(TelephonyError);
  });
});
