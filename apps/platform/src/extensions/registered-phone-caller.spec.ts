import type { AccountEntity } from '../accounts/account.entity';
import type { SipRegistration } from '../telephony/sip-user-directory.port';
import type { IncomingChannel } from '../telephony/telephony-gateway.port';
import type { ExtensionEntity } from './extension.entity';
import { extensionEndpointId, type ExtensionsService, type TenantExtension } from './extensions.service';
import { registeredPhoneCaller, sipUriParts } from './registered-phone-caller';

const DOMAIN = 'ac1.callwright.local';
const account = { sid: 'AC' + '1'.repeat(32) } as AccountEntity;
const ext1004: TenantExtension = {
  account,
  extension: { extensionNumber: '1004' } as ExtensionEntity,
  endpointId: extensionEndpointId('1004', DOMAIN),
};
const phone: SipRegistration = {
  contact: 'sip:1004-0x55d4@127.0.0.1:43790;transport=udp',
  userAgent: 'baresip',
  expiresAt: null,
  viaAddress: '127.0.0.1',
  viaPort: 43790,
};

function extensions(registrations: SipRegistration[] | null): ExtensionsService & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    findByEndpoint: async (id: string) => {
      asked.push(id);
      return id === ext1004.endpointId ? ext1004 : null;
    },
    registrations: async () => registrations,
  } as unknown as ExtensionsService & { asked: string[] };
}

/** A phone following a REFER: its From is the contact the platform's INVITE was addressed to. */
const referredCall = (overrides: Partial<IncomingChannel> = {}): IncomingChannel => ({
  channelId: 'c1',
  to: '1002',
  from: '1004-0x55d4',
  callerName: null,
  sipCallId: null,
  hops: 0,
  callingEndpoint: 'inbound',
  sourceAddress: '127.0.0.1:43790',
  fromUri: '<sip:1004-0x55d4@127.0.0.1>',
  toUri: `<sip:1002@${DOMAIN}>`,
  ...overrides,
});

describe('registeredPhoneCaller', () => {
  it('is the extension whose phone registered that contact user from the INVITE’s source address', async () => {
    const directory = extensions([phone]);
    expect(await registeredPhoneCaller(directory, referredCall())).toBe(ext1004);
    // The contact user itself first, then the part before its separator.
    expect(directory.asked).toEqual([`1004-0x55d4@${DOMAIN}`, `1004@${DOMAIN}`]);
  });

  it('is the extension when the source is the registration’s Via (a contact that was not rewritten)', async () => {
    const behindNat = { ...phone, contact: 'sip:1004-0x55d4@192.168.1.20:5060' };
    expect(await registeredPhoneCaller(extensions([behindNat]), referredCall())).toBe(ext1004);
  });

  it('is nobody for another source address, another contact user, or a domain without that extension', async () => {
    expect(
      await registeredPhoneCaller(extensions([phone]), referredCall({ sourceAddress: '127.0.0.1:5070' })),
    ).toBeNull();
    expect(
      await registeredPhoneCaller(
        extensions([phone]),
        referredCall({ fromUri: '<sip:1004-0x9999@127.0.0.1>' }),
      ),
    ).toBeNull();
    expect(
      await registeredPhoneCaller(
        extensions([phone]),
        referredCall({ toUri: '<sip:1002@other.callwright.local>' }),
      ),
    ).toBeNull();
    expect(await registeredPhoneCaller(extensions([]), referredCall())).toBeNull();
    // Asterisk could not be asked.
    expect(await registeredPhoneCaller(extensions(null), referredCall())).toBeNull();
  });

  it('is nobody without the INVITE’s source address or URIs (a channel that is not SIP)', async () => {
    for (const missing of ['sourceAddress', 'fromUri', 'toUri'] as const)
      expect(
        await registeredPhoneCaller(extensions([phone]), referredCall({ [missing]: undefined })),
      ).toBeNull();
  });
});

describe('sipUriParts', () => {
  it('takes the user and host:port of a SIP URI, bracketed or not, parameters dropped', () => {
    expect(sipUriParts('<sip:1004-0x1@127.0.0.1:5062;transport=udp>')).toEqual({
      user: '1004-0x1',
      hostPort: '127.0.0.1:5062',
    });
    expect(sipUriParts('sips:alice@Example.COM')).toEqual({ user: 'alice', hostPort: 'example.com' });
    expect(sipUriParts('tel:+15550001')).toBeNull();
    expect(sipUriParts('sip:example.com')).toBeNull();
  });
});
