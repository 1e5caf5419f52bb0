import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { TelephonyError } from '../telephony-gateway.port';
import {
  SIP_USER_REALM,
  SipRegistration,
  SipUser,
  SipUserConflictError,
  SipUserDirectory,
} from '../sip-user-directory.port';

type ObjectType = 'auth' | 'aor' | 'endpoint' | 'contact';
type Field = { attribute: string; value: string };
type FetchLike = typeof fetch;

const REQUEST_TIMEOUT_MS = 5000;

/**
 * SIP users through ARI dynamic configuration (`/ari/asterisk/config/dynamic/res_pjsip/...`), which
 * writes to the `memory` sorcery backend that `asterisk/platform/sorcery.conf` declares next to the
 * config-file objects. No reload or restart is needed, and nothing survives an Asterisk restart.
 *
 * Objects: endpoint `<id>`, AOR `<id>` (the names a phone's From and To users must carry), and
 * credentials `cw-auth-<id>`; an endpoint whose `auth` is `cw-auth-<id>` is one of ours, anything
 * else with the same id (a trunk from pjsip.conf) is never touched. Registrations are the
 * registrar's own `contact` objects, read through the same API.
 */
@Injectable()
export class AriSipUserDirectory extends SipUserDirectory {
  /** Replaceable in unit tests. */
  fetch: FetchLike = (...args) => fetch(...args);

  constructor(private readonly config: AppConfig) {
    super();
  }

  async upsert(user: SipUser): Promise<void> {
    if (!(await this.isAvailable(user.id)))
      throw new SipUserConflictError(`PJSIP object ${user.id} exists and is not a SIP user of the platform`);
    const credentials: Field[] = user.passwordHa1
      ? [
          { attribute: 'auth_type', value: 'md5' },
          { attribute: 'md5_cred', value: user.passwordHa1 },
          { attribute: 'password', value: '' },
        ]
      : [
          { attribute: 'auth_type', value: 'userpass' },
          { attribute: 'password', value: user.password ?? '' },
          { attribute: 'md5_cred', value: '' },
        ];
    await this.put('auth', authId(user.id), [
      { attribute: 'username', value: user.username },
      { attribute: 'realm', value: SIP_USER_REALM },
      ...credentials,
    ]);
    // Never update an existing AOR: ARI updates a copy made through the object's fields, and the
    // AOR's `contact` field lists the registered contacts, so the copy would turn the current
    // registration into a permanent contact that neither expiry nor unregistration removes
    // (seen on 22.10.1). Its settings change only when max_contacts does (an AOR made by an
    // earlier version): then it is made again, which drops its registrations until phones refresh.
    const maxContacts = String(user.maxContacts ?? 1);
    const aor = await this.get('aor', user.id);
    if (!aor || field(aor, 'max_contacts') !== maxContacts) {
      if (aor) await this.delete('aor', user.id);
      await this.put('aor', user.id, [
        { attribute: 'max_contacts', value: maxContacts },
        // A registration beyond max_contacts drops the one expiring soonest instead of getting 403.
        { attribute: 'remove_existing', value: 'yes' },
        { attribute: 'qualify_frequency', value: '0' },
      ]);
    }
    await this.put('endpoint', user.id, [
      { attribute: 'auth', value: authId(user.id) },
      // A phone that challenges the platform's INVITE (realm SIP_USER_REALM) gets its own credentials.
      { attribute: 'outbound_auth', value: authId(user.id) },
      { attribute: 'aors', value: user.id },
      { attribute: 'context', value: user.context ?? 'from-sip' },
      { attribute: 'disallow', value: 'all' },
      { attribute: 'allow', value: 'ulaw,alaw' },
      { attribute: 'direct_media', value: 'no' },
      { attribute: 'dtmf_mode', value: 'rfc4733' },
      { attribute: 'rtp_symmetric', value: 'yes' },
      { attribute: 'force_rport', value: 'yes' },
      { attribute: 'rewrite_contact', value: 'yes' },
    ]);
  }

  async remove(id: string): Promise<void> {
    const endpoint = await this.get('endpoint', id);
    // Never delete a same-named object someone else configured.
    if (endpoint && field(endpoint, 'auth') !== authId(id)) return;
    if (!endpoint && (await this.get('aor', id)) && !(await this.get('auth', authId(id)))) return;
    await this.delete('endpoint', id);
    await this.delete('aor', id);
    await this.delete('auth', authId(id));
  }

  async isAvailable(id: string): Promise<boolean> {
    const endpoint = await this.get('endpoint', id);
    if (endpoint) return field(endpoint, 'auth') === authId(id);
    // An AOR without endpoint is ours only when our credentials exist too (a half-done upsert).
    if (await this.get('aor', id)) return (await this.get('auth', authId(id))) !== null;
    return true;
  }

  async contacts(id: string): Promise<string[]> {
    // Read through ARI, an AOR has one `contact` field per live contact (expired ones are pruned
    // on the way), its value the contact URI.
    const aor = await this.get('aor', id);
    return aor ? aor.filter((f) => f.attribute === 'contact' && f.value).map((f) => f.value) : [];
  }

  async registrations(id: string): Promise<SipRegistration[]> {
    const registrations: SipRegistration[] = [];
    for (const uri of await this.contacts(id))
      registrations.push(toSipRegistration(uri, await this.get('contact', contactObjectId(id, uri))));
    return registrations;
  }

  dialString(id: string): string {
    // chan_pjsip dials the first reachable contact of the endpoint's AORs (in the order of their
    // object ids, so not the newest), one only.
    return `PJSIP/${id}`;
  }

  contactDialString(id: string, contact: string): string {
    // The endpoint's settings (codecs, auth, NAT handling) with this contact as the request URI,
    // as PJSIP_DIAL_CONTACTS() builds it.
    return `PJSIP/${id}/${contact}`;
  }

  private url(type: ObjectType, id: string): string {
    return (
      `${this.config.ariUrl.replace(/\/+$/, '')}/ari/asterisk/config/dynamic/res_pjsip/` +
      `${type}/${encodeURIComponent(id)}`
    );
  }

  private async call(method: string, type: ObjectType, id: string, body?: unknown): Promise<Response> {
    const auth = Buffer.from(`${this.config.ariUsername}:${this.config.ariPassword}`).toString('base64');
    try {
      return await this.fetch(this.url(type, id), {
        method,
        headers: {
          authorization: `Basic ${auth}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new TelephonyError(`ARI ${method} ${type}/${id} failed: ${(error as Error).message}`);
    }
  }

  private async get(type: ObjectType, id: string): Promise<Field[] | null> {
    const response = await this.call('GET', type, id);
    if (response.status === 404) return null;
    if (!response.ok) throw await failure('GET', type, id, response);
    return (await response.json()) as Field[];
  }

  private async put(type: ObjectType, id: string, fields: Field[]): Promise<void> {
    const response = await this.call('PUT', type, id, { fields });
    if (response.status === 403) throw new SipUserConflictError(await failureText(type, id, response));
    if (!response.ok) throw await failure('PUT', type, id, response);
  }

  private async delete(type: ObjectType, id: string): Promise<void> {
    const response = await this.call('DELETE', type, id);
    if (!response.ok && response.status !== 404) throw await failure('DELETE', type, id, response);
  }
}

export const authId = (id: string) => `cw-auth-${id}`;

/** The registrar names the contact it stores for `uri` in AOR `aorId` `<aorId>;@<md5 of uri>`. */
export const contactObjectId = (aorId: string, uri: string) =>
  `${aorId};@${createHash('md5').update(uri).digest('hex')}`;

/**
 * A registration from the registrar's contact object. `fields` is null when the object is gone (it
 * expired since the AOR was read) or is named otherwise: the contact URI is all that is known then.
 */
export function toSipRegistration(uri: string, fields: Field[] | null): SipRegistration {
  const text = (attribute: string) => (fields && field(fields, attribute)) || null;
  // Whole seconds since the epoch; 0 for a contact that never expires.
  const expiry = Number(text('expiration_time'));
  const viaPort = Number(text('via_port'));
  return {
    contact: uri,
    userAgent: text('user_agent'),
    expiresAt: Number.isInteger(expiry) && expiry > 0 ? new Date(expiry * 1000) : null,
    viaAddress: text('via_addr'),
    viaPort: Number.isInteger(viaPort) && viaPort > 0 ? viaPort : null,
  };
}

const field = (fields: Field[], attribute: string) => fields.find((f) => f.attribute === attribute)?.value;

async function failureText(type: ObjectType, id: string, response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return `${type}/${id}: HTTP ${response.status} ${text}`.trim();
}

async function failure(method: string, type: ObjectType, id: string, response: Response) {
  return new TelephonyError(`ARI ${method} ${await failureText(type, id, response)}`);
}
