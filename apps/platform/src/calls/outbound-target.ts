import type { ClientDirectory } from '../call-control/ports/client-directory.port';
import type { DialTarget } from '../telephony/telephony-gateway.port';
import type { DialingOptions } from './outbound-call-request';

const NUMBER = /^\+?[0-9]{1,32}$/;

/** What an API call's To reaches, or why it reaches nobody (SIP 480, as for a `<Client>`). */
export type OutboundTarget = { target: DialTarget } | { unreachable: string };

/**
 * Whom an outbound API call's To names: `client:<login>` is a registered Client of the account, digits
 * and E.164 numbers go through the trunk, anything else is a `sip:` URI (with digest credentials, if given).
 */
export async function outboundTarget(
  to: string,
  accountSid: string,
  clients: ClientDirectory,
  dialing: DialingOptions,
): Promise<OutboundTarget> {
  if (to.startsWith('client:')) {
    const login = to.slice('client:'.length);
    const client = await clients.findDialable(accountSid, login);
    if (!client) return { unreachable: `Client "${login}" does not exist` };
    if (!client.registered) return { unreachable: `Client "${login}" is not registered` };
    return { target: { kind: 'sip-user', dialString: client.dialString } };
  }
  if (NUMBER.test(to)) return { target: { kind: 'number', number: to } };
  return { target: { kind: 'sip', uri: to, ...(dialing.sipAuth ? { auth: dialing.sipAuth } : {}) } };
}
