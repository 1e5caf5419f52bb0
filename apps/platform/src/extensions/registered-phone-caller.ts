import type { SipRegistration } from '../telephony/sip-user-directory.port';
import type { IncomingChannel } from '../telephony/telephony-gateway.port';
import { extensionEndpointId, type ExtensionsService, type TenantExtension } from './extensions.service';

interface SipUriParts {
  user: string;
  /** `host:port` as written (the port only when the URI has one). */
  hostPort: string;
}

const SIP_URI = /^<?sips?:([^@;>]+)@([^;>?]+)/i;

export function sipUriParts(uri: string): SipUriParts | null {
  const match = SIP_URI.exec(uri.trim());
  return match ? { user: match[1], hostPort: match[2].toLowerCase() } : null;
}

/**
 * The extensions a contact user may belong to: the user itself, and what comes before a separator,
 * since phones name their contact after their account (`1004`, or baresip's `1004-0x5f3c…`).
 */
function candidateNumbers(contactUser: string): string[] {
  const head = contactUser.split(/[-_.~]/)[0];
  return head && head !== contactUser ? [contactUser, head] : [contactUser];
}

/** The registration was made from `source`, under the contact user the INVITE's From carries. */
function isFrom(registration: SipRegistration, user: string, source: string): boolean {
  const contact = sipUriParts(registration.contact);
  if (!contact || contact.user !== user) return false;
  const via =
    registration.viaAddress && registration.viaPort
      ? `${registration.viaAddress}:${registration.viaPort}`
      : null;
  return contact.hostPort === source || via?.toLowerCase() === source;
}

/**
 * The extension a phone is registered as, for an INVITE Asterisk tied to no extension endpoint.
 * A phone that follows a REFER in a dialog the platform started takes that dialog's To as its From,
 * and that To is its own contact (`sip:1004-0x…@127.0.0.1`), not its address of record: the call
 * arrives as if from a peer. It is the extension's when the To names the tenant's SIP domain and the
 * INVITE comes from the very address the extension's phone registered from under that contact user,
 * the same proof Asterisk's own identify-by-address gives, on top of a registration that was
 * authenticated.
 */
export async function registeredPhoneCaller(
  extensions: ExtensionsService,
  channel: IncomingChannel,
): Promise<TenantExtension | null> {
  if (!channel.sourceAddress || !channel.fromUri || !channel.toUri) return null;
  const from = sipUriParts(channel.fromUri);
  const to = sipUriParts(channel.toUri);
  if (!from || !to) return null;
  const domain = to.hostPort.replace(/:\d+$/, '');
  const source = channel.sourceAddress.toLowerCase();
  for (const number of candidateNumbers(from.user)) {
    const found = await extensions.findByEndpoint(extensionEndpointId(number, domain));
    if (!found) continue;
    const registrations = (await extensions.registrations(found.endpointId)) ?? [];
    if (registrations.some((registration) => isFrom(registration, from.user, source))) return found;
  }
  return null;
}
