import { aliceWithBob } from '../../../../../test/support/transfer-scenario';
import { DomainErrorCode } from '../../common/domain-error';
import { CallControl } from '../call-control.service';
import type { LegDirectory } from '../ports/leg-directory.port';

const otherPhone = { kind: 'sip-user', dialString: 'PJSIP/1001@t.example/sip:1001@10.0.0.2' } as const;

async function flipScenario() {
  const scenario = await aliceWithBob();
  const control = new CallControl(
    scenario.registry,
    scenario.transfers,
    scenario.legs,
    { find: () => undefined } as LegDirectory,
    scenario.gateway,
  );
  return { ...scenario, control };
}

describe('CallControl.flip (a call moved to another phone of the same user)', () => {
  it('rings the other phone with the other party on hold; its answer takes the call and the old leg goes', async () => {
    const { control, gateway, legs, alice, bob, first, settle, transfers } = await flipScenario();
    const flip = await control.flip(bob.callSid, { target: otherPhone, to: '1001', callerId: '1002' });
    expect(flip).toMatchObject({ flow: 'blind', state: 'ringing', roles: { initiator: bob.callSid } });
    expect(legs.placed).toEqual([
      expect.objectContaining({ forCallSid: bob.callSid, target: otherPhone, to: '1001', callerId: '1002' }),
    ]);
    expect(gateway.held.get(alice.channelId)).toEqual({ sipVisible: false });
    const newPhone = gateway.originated[0].channelId;
    gateway.answerLeg(newPhone);
    await transfers.outcome(flip.transferId);
    await settle();
    expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, newPhone]);
    expect(legs.hungUp).toEqual([bob.callSid]);
    expect(gateway.held.size).toBe(0);
  });

  it('goes back to the old phone when the new one does not answer', async () => {
    const { control, gateway, legs, alice, bob, first, settle, transfers } = await flipScenario();
    const flip = await control.flip(bob.callSid, { target: otherPhone, callerId: '1002' });
    gateway.farEndHangsUp(gateway.originated[0].channelId, 19);
    expect(await transfers.outcome(flip.transferId)).toMatchObject({ state: 'canceled' });
    await settle();
    expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
    expect(legs.hungUp).toEqual([]);
    expect(gateway.held.size).toBe(0);
  });

  it('refuses a party that is not in a two-party call', async () => {
    const { control, legs, registry } = await flipScenario();
    const alone = legs.answered('alone');
    await registry.create().start([alone]);
    expect(() => control.flip(alone.callSid, { target: otherPhone, callerId: '1002' })).toThrow(
      expect.objectContaining({ code: DomainErrorCode.InvalidPartyState }),
    );
  });
});
