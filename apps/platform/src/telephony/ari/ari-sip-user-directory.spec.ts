import { AppConfig } from '../../config/app-config';
import { SipUserConflictError } from '../sip-user-directory.port';
import { TelephonyError } from '../telephony-gateway.port';
import { AriSipUserDirectory } from './ari-sip-user-directory';

type Call = { method: string; url: string; body?: { fields: { attribute: string; value: string }[] } };

/** A fake ARI holding objects by "type/id". */
function fakeAri(objects: Record<string, Record<string, string>> = {}) {
  const calls: Call[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    expect((init?.headers as Record<string, string>).authorization).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    const key = url.replace('http://ari:8088/ari/asterisk/config/dynamic/res_pjsip/', '');
    if (method === 'GET') {
      const object = objects[key];
      if (!object) return new Response('{"message":"not found"}', { status: 404 });
      const fields = Object.entries(object).map(([attribute, value]) => ({ attribute, value }));
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
