import type { AccountEntity } from '../accounts/account.entity';
import { InboundRouter, type InboundRoute } from '../call-control/inbound/inbound-router.port';
import type { IncomingChannel } from '../telephony/telephony-gateway.port';
import type { ExtensionEntity } from './extension.entity';
import { ExtensionsRouter } from './extensions-router';
import { extensionEndpointId, type ExtensionsService, type TenantExtension } from './extensions.service';

const acme = { sid: 'AC' + 'a'.repeat(32), authToken: 'acme-token', status: 'active' } as AccountEntity;
const globex = { sid: 'AC' + 'b'.repeat(32), authToken: 'globex-token', status: 'active' } as AccountEntity;
const domains = new Map([
  [acme.sid, 'acme.pbx'],
  [globex.sid, 'globex.pbx'],
]);

function extension(
  account: AccountEntity,
  number: string,
  outboundCallerId: string | null = null,
): TenantExtension {
  return {
    account,
    extension: { accountSid: account.sid, extensionNumber: number, outboundCallerId } as ExtensionEntity,
    endpointId: extensionEndpointId(number, domains.get(account.sid)!),
  };
}

/** Tenants' extensions and which endpoints have a phone registered, as ExtensionsService answers. */
function extensionsOf(all: TenantExtension[], registered: string[]): ExtensionsService {
  return {
    findByEndpoint: async (id: string) => all.find((e) => e.endpointId === id) ?? null,
    findInTenant: async (account: AccountEntity, number: string) =>
      all.find((e) => e.account.sid === account.sid && e.extension.extensionNumber === number) ?? null,
    contacts: async (id: string) => (registered.includes(id) ? [`sip:${id}-phone@127.0.0.1:5090`] : []),
    phoneTargets: (id: string) => [{ kind: 'sip-user', dialString: `PJSIP/${id}` }],
  } as unknown as ExtensionsService;
}

/** IncomingPhoneNumbers: +15550001 belongs to acme, +15550002 to globex. */
class Numbers extends InboundRouter {
  async route(channel: IncomingChannel): Promise<InboundRoute> {
    const owner = { '+15550001': acme, '+15550002': globex }[channel.to];
    if (!owner)
      return { kind: 'refuse', sipCode: 404, hangupReason: 'unallocated', notification: {} as never };
    return {
      kind: 'accept',
      accountSid: owner.sid,
      signingKey: owner.authToken,
      fields: { url: `http://app/${channel.to}` },
    };
  }
}

const call = (to: string, callingEndpoint?: string): IncomingChannel => ({
  channelId: 'c1',
  to,
  from: '1001',
  callerName: null,
  sipCallId: null,
  hops: 0,
  callingEndpoint,
});

describe('ExtensionsRouter', () => {
  const all = [
    extension(acme, '1001', '+15550001'),
    extension(acme, '1002'),
    extension(acme, '1003'),
    extension(globex, '1002'),
  ];
  const router = new ExtensionsRouter(new Numbers(), extensionsOf(all, ['1002@acme.pbx', '1002@globex.pbx']));

  it("rings the registered extension of the caller's own tenant, with the caller's number as caller id", async () => {
    expect(await router.route(call('1002', '1001@acme.pbx'))).toEqual({
      kind: 'connect',
      accountSid: acme.sid,
      signingKey: 'acme-token',
      fields: { url: null },
      connect: {
        targets: [{ kind: 'sip-user', dialString: 'PJSIP/1002@acme.pbx' }],
        // The callee's record shows the extension dialed, not the dial string.
        to: '1002',
        callerId: '1001',
        timeoutSeconds: 30,
      },
    });
  });

  it('refuses with 480 an extension of the tenant that has no phone registered', async () => {
    const route = await router.route(call('1003', '1001@acme.pbx'));
    expect(route).toMatchObject({ kind: 'refuse', sipCode: 480, notification: { accountSid: acme.sid } });
  });

  it("never reaches another tenant's extension: a number the tenant lacks is a trunk number", async () => {
    // acme has a 1001, globex does not: globex's 1002 dialing 1001 leaves through the trunk.
    expect(await router.route(call('1001', '1002@globex.pbx'))).toMatchObject({
      kind: 'connect',
      accountSid: globex.sid,
      connect: { targets: [{ kind: 'number', number: '1001' }] },
    });
    // Both have a 1002: each tenant's caller rings its own.
    expect(await router.route(call('1002', '1001@acme.pbx'))).toMatchObject({
      connect: { targets: [{ dialString: 'PJSIP/1002@acme.pbx' }] },
    });
  });

  it('refuses with 404 what is neither an extension nor a number', async () => {
    expect(await router.route(call('alice', '1001@acme.pbx'))).toMatchObject({
      kind: 'refuse',
      sipCode: 404,
    });
  });

  it("runs the RCML of the tenant's own IncomingPhoneNumber", async () => {
    expect(await router.route(call('+15550001', '1002@acme.pbx'))).toMatchObject({
      kind: 'accept',
      accountSid: acme.sid,
      fields: { url: 'http://app/+15550001' },
    });
  });

  it("sends other numbers (another tenant's included) through the trunk with the outbound caller id", async () => {
    expect(await router.route(call('+15550002', '1001@acme.pbx'))).toMatchObject({
      kind: 'connect',
      accountSid: acme.sid,
      connect: { targets: [{ kind: 'number', number: '+15550002' }], callerId: '+15550001' },
    });
    // No outbound caller id: the extension number.
    expect(await router.route(call('0044123456', '1002@acme.pbx'))).toMatchObject({
      connect: { targets: [{ kind: 'number', number: '0044123456' }], callerId: '1002' },
    });
  });

  it('leaves calls that no extension placed to the numbers router', async () => {
    expect(await router.route(call('+15550002', 'inbound'))).toMatchObject({
      kind: 'accept',
      accountSid: globex.sid,
    });
    expect(await router.route(call('1002'))).toMatchObject({ kind: 'refuse', sipCode: 404 });
    // An endpoint shaped like an extension that is none (removed, disabled) is not trusted either.
    expect(await router.route(call('1002', '1009@acme.pbx'))).toMatchObject({ kind: 'refuse', sipCode: 404 });
  });

  it('refuses with 403 an extension whose account is not active', async () => {
    const suspended = { ...acme, status: 'suspended' } as AccountEntity;
    const closedRouter = new ExtensionsRouter(
      new Numbers(),
      extensionsOf([extension(suspended, '1001')], []),
    );
    expect(await closedRouter.route(call('1002', '1001@acme.pbx'))).toMatchObject({
      kind: 'refuse',
      sipCode: 403,
    });
  });
});
