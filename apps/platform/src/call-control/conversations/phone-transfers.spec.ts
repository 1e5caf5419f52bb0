import { aliceWithBob, BUSY } from '../../../../../test/support/transfer-scenario';

/** Transfers a phone asks for with a REFER (ChannelTransfer under ari-only transfer handling). */
describe('phone-initiated transfers (fake gateway)', () => {
  it('blind: rings the REFER target and tells the phone it answered before hanging it up', async () => {
    const { gateway, targets, transfers, alice, bob, recipient, settle } = await aliceWithBob();
    gateway.emit(bob.channelId, {
      kind: 'transfer-requested',
      transfer: { mode: 'blind', target: 'carol' },
    });
    await settle();
    expect(targets.asked).toEqual([
      { accountSid: 'AC-test', initiatorCallSid: bob.callSid, destination: 'carol' },
    ]);
    const transfer = transfers.transferOf(bob.callSid)!;
    expect(transfer).toMatchObject({
      flow: 'blind',
      state: 'ringing',
      roles: { transferred: alice.callSid },
    });
    gateway.answerLeg(recipient().channelId);
    await settle();
    expect(gateway.transferProgress).toEqual([{ channelId: bob.channelId, progress: 'answered' }]);
    const ops = gateway.commands.map((command) => `${command.op} ${command.channelId ?? ''}`);
    expect(ops.indexOf(`reportTransferProgress ${bob.channelId}`)).toBeLessThan(
      ops.indexOf(`hangup ${bob.channelId}`),
    );
  });

  it('blind: reports declined when the target is busy, unavailable when nobody has that name', async () => {
    const { gateway, alice, bob, first, recipient, settle } = await aliceWithBob();
    gateway.emit(bob.channelId, {
      kind: 'transfer-requested',
      transfer: { mode: 'blind', target: 'carol' },
    });
    await settle();
    gateway.emit(recipient().channelId, BUSY);
    await settle();
    gateway.emit(bob.channelId, { kind: 'transfer-requested', transfer: { mode: 'blind', target: 'zed' } });
    await settle();
    expect(gateway.transferProgress.map((report) => report.progress)).toEqual(['declined', 'unavailable']);
    expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
  });

  it('attended (Replaces): joins the transferred party to the replaced leg’s peer', async () => {
    const { bobWithDave, gateway, legs, alice, bob, settle } = await aliceWithBob();
    const { bobConsult, dave, second } = await bobWithDave();
    gateway.emit(bob.channelId, {
      kind: 'transfer-requested',
      transfer: { mode: 'attended', replacesChannelId: bobConsult.channelId },
    });
    await settle();
    expect(gateway.transferProgress).toEqual([{ channelId: bob.channelId, progress: 'answered' }]);
    expect([...gateway.bridges.get(second.id)!]).toEqual([dave.channelId, alice.channelId]);
    expect(legs.hungUp).toEqual([bob.callSid, bobConsult.callSid]);
  });

  it('fails a REFER from a leg that has not exactly one peer, or is already transferring', async () => {
    const { gateway, legs, transfers, alice, bob, first, settle, transferAlice } = await aliceWithBob();
    const refer = { kind: 'transfer-requested', transfer: { mode: 'blind', target: 'carol' } } as const;
    const carolToo = legs.answered('carol');
    await first.join(carolToo);
    gateway.emit(bob.channelId, refer);
    await settle();
    await first.leave(carolToo.callSid);
    await transferAlice('blind');
    gateway.emit(alice.channelId, refer);
    await settle();
    expect(gateway.transferProgress).toEqual([
      { channelId: bob.channelId, progress: 'failed' },
      { channelId: alice.channelId, progress: 'failed' },
    ]);
    expect(transfers.transferOf(alice.callSid)?.roles.initiator).toBe(bob.callSid);
  });

  it('attended: fails when the replaced channel is not one of the platform’s parties', async () => {
    const { gateway, bob, settle } = await aliceWithBob();
    gateway.emit(bob.channelId, {
      kind: 'transfer-requested',
      transfer: { mode: 'attended', replacesChannelId: 'x' },
    });
    await settle();
    expect(gateway.transferProgress).toEqual([{ channelId: bob.channelId, progress: 'failed' }]);
  });
});
