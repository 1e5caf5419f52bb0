import type { AccountEntity } from '../accounts/account.entity';
import type { RecipientRequest } from '../call-control/conversations/transfer';
import type { CallLeg } from '../call-control/legs/call-leg';
import type { LegDirectory } from '../call-control/ports/leg-directory.port';
import { ReferredDestination, TransferTargetResolver } from '../call-control/ports/transfer-target.port';
import { ExtensionReferTargetResolver } from './extension-refer-target-resolver';
import type { ExtensionEntity } from './extension.entity';
import { extensionEndpointId, type ExtensionsService, type TenantExtension } from './extensions.service';

const acme = { sid: 'AC' + 'a'.repeat(32) } as AccountEntity;
const globex = { sid: 'AC' + 'b'.repeat(32) } as AccountEntity;
const domains = new Map([
  [acme.sid, 'acme.pbx'],
  [globex.sid, 'globex.pbx'],
]);

function extension(account: AccountEntity, number: string): TenantExtension {
  return {
    account,
    extension: { accountSid: account.sid, extensionNumber: number } as ExtensionEntity,
    endpointId: extensionEndpointId(number, domains.get(account.sid)!),
  };
}

/** acme has 1002 (registered) and 1003 (no phone); globex has 1004 (registered). */
const all = [extension(acme, '1002'), extension(acme, '1003'), extension(globex, '1004')];
const registered = ['1002@acme.pbx', '1004@globex.pbx'];
let asteriskDown = false;
const extensions = {
  findInAccount: async (accountSid: string, number: string) =>
    all.find((e) => e.account.sid === accountSid && e.extension.extensionNumber === number) ?? null,
  contacts: async (id: string) =>
    asteriskDown ? null : registered.includes(id) ? [`sip:${id}-phone@127.0.0.1:5090`] : [],
  dialString: (id: string) => `PJSIP/${id}`,
} as unknown as ExtensionsService;

/** The REFERring leg `CA-1001` shows 1001 as its caller. */
const leg = { snapshot: { from: '1001' } } as unknown as CallLeg;
const legs: LegDirectory = { find: (sid: string) => (sid === 'CA-1001' ? leg : undefined) };

/** The rules for what is no extension (Clients, URIs, numbers): here every destination is a trunk number. */
class Others extends TransferTargetResolver {
  readonly asked: string[] = [];
  async resolve(referred: ReferredDestination): Promise<RecipientRequest | null> {
    this.asked.push(referred.destination);
    return { target: { kind: 'number', number: referred.destination }, callerId: '1001', timeoutSeconds: 30 };
  }
}
let others: Others;
let resolver: ExtensionReferTargetResolver;
const refer = (destination: string, accountSid = acme.sid): Promise<RecipientRequest | null> =>
  resolver.resolve({ accountSid, initiatorCallSid: 'CA-1001', destination } as ReferredDestination);

describe('ExtensionReferTargetResolver', () => {
  beforeEach(() => {
    asteriskDown = false;
    others = new Others();
    resolver = new ExtensionReferTargetResolver(others, extensions, legs);
  });

  it("rings the phone of the REFERring leg's tenant's extension, with the leg's caller id", async () => {
    expect(await refer('1002')).toEqual({
      target: { kind: 'sip-user', dialString: 'PJSIP/1002@acme.pbx' },
      // The recipient's call record shows the extension it was transferred to.
      to: '1002',
      callerId: '1001',
      timeoutSeconds: 30,
    });
    expect(await refer(' 1004 ', globex.sid)).toMatchObject({
      target: { kind: 'sip-user', dialString: 'PJSIP/1004@globex.pbx' },
    });
    expect(others.asked).toEqual([]);
  });

  it('names nobody for an extension without a registered phone (or when Asterisk cannot tell), not a trunk number', async () => {
    expect(await refer('1003')).toBeNull();
    asteriskDown = true;
    expect(await refer('1002')).toBeNull();
    expect(others.asked).toEqual([]);
  });

  it("never reaches another tenant's extension: its number is a trunk number for this tenant", async () => {
    expect(await refer('1004')).toMatchObject({ target: { kind: 'number', number: '1004' } });
    expect(await refer('1002', globex.sid)).toMatchObject({ target: { kind: 'number', number: '1002' } });
    expect(others.asked).toEqual(['1004', '1002']);
  });

  it('leaves what cannot be an extension number to the other rules without looking it up', async () => {
    for (const destination of ['alice', 'sip:1002@acme.pbx', '+15550001111', '1', '12345678901'])
      await refer(destination);
    expect(others.asked).toEqual(['alice', 'sip:1002@acme.pbx', '+15550001111', '1', '12345678901']);
  });

  it('shows anonymous when the REFERring leg is no longer known', async () => {
    const gone = await resolver.resolve({
      accountSid: acme.sid,
      initiatorCallSid: 'CA-gone',
      destination: '1002',
    });
    expect(gone).toMatchObject({ callerId: 'anonymous' });
  });
});
