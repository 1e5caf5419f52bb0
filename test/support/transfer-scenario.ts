import {
  ReferredDestination,
  TransferTargetResolver,
} from '../../apps/platform/src/call-control/ports/transfer-target.port';
import { RecipientRequest } from '../../apps/platform/src/call-control/conversations/transfer';
import { Transfers } from '../../apps/platform/src/call-control/conversations/transfers';
import { fakeCore } from './fake-core';
import { FakeLeg } from './fake-legs';

/** The directory of the test: `carol` is a SIP URI; anyone else is unknown. */
export class DirectoryTargets extends TransferTargetResolver {
  readonly asked: ReferredDestination[] = [];
  async resolve(referred: ReferredDestination): Promise<RecipientRequest | null> {
    this.asked.push(referred);
    if (referred.destination !== 'carol') return null;
    return {
      target: { kind: 'sip', uri: 'sip:carol@127.0.0.1' },
      callerId: '+15550001111',
      timeoutSeconds: 20,
    };
  }
}

export const carol: RecipientRequest = {
  target: { kind: 'sip', uri: 'sip:carol@127.0.0.1' },
  callerId: '+15550001111',
  timeoutSeconds: 20,
};
export const BUSY = { kind: 'hangup', cause: 17, causeText: 'User busy', sipCode: 486 } as const;

/** Alice called Bob through a Dial (endWhenAlone); Bob will transfer Alice. */
export async function aliceWithBob() {
  const core = fakeCore();
  const { gateway, bus, events, legs, registry, settle } = core;
  const targets = new DirectoryTargets();
  const transfers = new Transfers(gateway, bus, registry, legs, legs, targets);
  core.routing.to = (callSid, event) => transfers.channelEvent(callSid, event);
  const alice = legs.answered('alice');
  const bob = legs.answered('bob');
  const first = registry.create({ endWhenAlone: true });
  await first.start([alice, bob]);
  await settle();
  /** `#sequence type` of one call's events from `from` on (1: leg status, 2: started, 3: joined). */
  const timeline = (leg: FakeLeg, from = 4) =>
    events
      .filter((event) => event.callSid === leg.callSid && event.sequence >= from)
      .map((event) => `#${event.sequence} ${event.payload.type}`);
  const recipient = () => legs.byCallSid(legs.placed.length ? `CA-placed-${legs.placed.length}-3` : 'none');
  /** Bob transfers Alice to Carol; `outcome` resolves when the transfer is over. */
  const transferAlice = async (flow: 'blind' | 'attended') => {
    const request = { initiatorCallSid: bob.callSid, transferredCallSid: alice.callSid, recipient: carol };
    const started = await (flow === 'blind' ? transfers.blind(request) : transfers.attended(request));
    return { started, outcome: transfers.outcome(started.transferId) };
  };
  /** Bob's second leg talking with Dave, in a conversation of its own. */
  const bobWithDave = async () => {
    const bobConsult = legs.answered('bob2');
    const dave = legs.answered('dave');
    const second = registry.create();
    await second.start([bobConsult, dave]);
    return { bobConsult, dave, second };
  };
  return {
    gateway,
    bus,
    events,
    legs,
    registry,
    targets,
    transfers,
    alice,
    bob,
    first,
    settle,
    timeline,
    recipient,
    transferAlice,
    bobWithDave,
  };
}
