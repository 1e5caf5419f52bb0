import { refusal } from '../../../../../test/support/domain-refusal';
import { DomainErrorCode } from '../../common/domain-error';
import { aliceWithBob, BUSY, carol } from '../../../../../test/support/transfer-scenario';

describe('transfers on conversations (fake gateway)', () => {
  it('holds and unholds a bridged party', async () => {
    const { gateway, first, alice, bob, timeline } = await aliceWithBob();
    await first.hold(alice.callSid, { sipVisible: false });
    expect(gateway.held.get(alice.channelId)).toEqual({ sipVisible: false });
    expect(first.party(bob.callSid)?.held).toBe(false);
    await first.unhold(alice.callSid);
    expect(gateway.held.size).toBe(0);
    expect(timeline(alice)).toEqual(['#4 party.held', '#5 party.unheld']);
    expect(gateway.commandsFor(alice.channelId)).toEqual(['addToBridge', 'hold', 'unhold']);
  });

  describe('blind', () => {
    it('rings the recipient with the transferred party on hold, then swaps the initiator for it', async () => {
      const { transferAlice, gateway, legs, alice, bob, first, settle, timeline, recipient, bus } =
        await aliceWithBob();
      const { started, outcome } = await transferAlice('blind');
      expect(started).toMatchObject({ flow: 'blind', state: 'ringing', conversationId: first.id });
      const placed = recipient();
      expect(legs.placed).toEqual([{ forCallSid: bob.callSid, accountSid: 'AC-test', ...carol }]);
      expect(gateway.held.get(alice.channelId)).toEqual({ sipVisible: false });
      gateway.answerLeg(placed.channelId);
      expect(await outcome).toMatchObject({
        state: 'completed',
        roles: { initiator: bob.callSid, transferred: alice.callSid, recipient: placed.callSid },
      });
      await settle();
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, placed.channelId]);
      expect(gateway.held.size).toBe(0);
      expect(legs.hungUp).toEqual([bob.callSid]);
      expect(timeline(alice)).toEqual([
        '#4 party.held',
        '#5 transfer.ringing',
        '#6 transfer.completed',
        '#7 party.unheld',
      ]);
      expect(timeline(bob)).toEqual([
        '#4 transfer.ringing',
        '#5 transfer.completed',
        '#6 party.left',
        '#7 leg.status',
      ]);
      expect(timeline(placed, 1)).toEqual([
        '#1 transfer.ringing',
        '#2 leg.status',
        '#3 transfer.completed',
        '#4 party.joined',
      ]);
      // Bob's stream closed with his final status; the others are still up.
      expect(bus.openCalls).toBe(2);
    });

    it('holds the transferred party SIP-visibly when asked', async () => {
      const { gateway, transfers, alice, bob } = await aliceWithBob();
      await transfers.blind({
        initiatorCallSid: bob.callSid,
        transferredCallSid: alice.callSid,
        recipient: carol,
        sipVisibleHold: true,
      });
      expect(gateway.held.get(alice.channelId)).toEqual({ sipVisible: true });
    });

    it('puts the transferred party back with the initiator when the recipient is busy', async () => {
      const { transferAlice, gateway, legs, alice, bob, first, timeline, recipient, settle } =
        await aliceWithBob();
      const { outcome } = await transferAlice('blind');
      gateway.emit(recipient().channelId, BUSY);
      expect((await outcome).state).toBe('canceled');
      await settle();
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
      expect(gateway.held.size).toBe(0);
      expect(legs.hungUp).toEqual([]);
      expect(timeline(alice)).toEqual([
        '#4 party.held',
        '#5 transfer.ringing',
        '#6 transfer.canceled',
        '#7 party.unheld',
      ]);
    });

    it('hangs up the transferred party when the initiator left and the recipient fails', async () => {
      const { transferAlice, gateway, legs, transfers, alice, bob, first, recipient, settle } =
        await aliceWithBob();
      const { started, outcome } = await transferAlice('blind');
      gateway.farEndHangsUp(bob.channelId);
      await settle();
      // Alone on hold, but not hung up as the lone party of a Dial: the transfer is still on.
      expect(gateway.channels.has(alice.channelId)).toBe(true);
      expect(transfers.get(started.transferId)).toMatchObject({ state: 'ringing' });
      gateway.emit(recipient().channelId, BUSY);
      expect((await outcome).state).toBe('canceled');
      await settle();
      expect(legs.hungUp).toEqual([alice.callSid]);
      expect(first.isEnded).toBe(true);
    });

    it('is abandoned when the transferred party hangs up while the recipient rings', async () => {
      const { transferAlice, gateway, legs, alice, bob, recipient, timeline, settle } = await aliceWithBob();
      const { outcome } = await transferAlice('blind');
      const placed = recipient();
      gateway.farEndHangsUp(alice.channelId);
      expect((await outcome).state).toBe('abandoned');
      await settle();
      expect(legs.hungUp).toEqual([placed.callSid, bob.callSid]);
      expect(gateway.originated).toHaveLength(1);
      expect(timeline(bob)).toEqual([
        '#4 transfer.ringing',
        '#5 transfer.abandoned',
        '#6 party.left',
        '#7 leg.status',
      ]);
    });
  });

  describe('attended', () => {
    async function consulting() {
      const context = await aliceWithBob();
      const { transferAlice, gateway, bob, recipient, settle } = context;
      const { started, outcome } = await transferAlice('attended');
      const placed = recipient();
      gateway.answerLeg(placed.channelId);
      await settle();
      const consultation = context.registry.conversationOf(bob.callSid)!;
      return { ...context, started, outcome, placed, consultation };
    }

    it('lets the initiator talk with the recipient while the transferred party waits alone on hold', async () => {
      const { gateway, transfers, started, alice, bob, first, placed, consultation } = await consulting();
      expect(transfers.get(started.transferId).state).toBe('answered');
      expect(consultation).not.toBe(first);
      expect([...gateway.bridges.get(consultation.id)!]).toEqual([placed.channelId, bob.channelId]);
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId]);
      expect(gateway.held.has(alice.channelId)).toBe(true);
      expect(gateway.channels.has(alice.channelId)).toBe(true);
    });

    it('completes: the transferred party joins the recipient, the initiator is hung up, the first bridge goes', async () => {
      const {
        gateway,
        transfers,
        legs,
        started,
        outcome,
        alice,
        bob,
        first,
        placed,
        consultation,
        settle,
        timeline,
      } = await consulting();
      await transfers.complete(started.transferId);
      expect((await outcome).state).toBe('completed');
      await settle();
      expect([...gateway.bridges.get(consultation.id)!]).toEqual([placed.channelId, alice.channelId]);
      expect(gateway.bridges.has(first.id)).toBe(false);
      expect(first.isEnded).toBe(true);
      expect(gateway.held.size).toBe(0);
      expect(legs.hungUp).toEqual([bob.callSid]);
      const unhold = gateway.commands.findIndex((command) => command.op === 'unhold');
      const moved = gateway.commands.findIndex(
        (command) =>
          command.op === 'addToBridge' &&
          command.channelId === alice.channelId &&
          command.bridgeId === consultation.id,
      );
      const hangup = gateway.commands.findIndex((command) => command.op === 'hangup');
      expect(unhold).toBeLessThan(moved);
      expect(moved).toBeLessThan(hangup);
      // Alice is never out of both bridges: the first one goes only once she is in the second.
      const destroyed = gateway.commands.findIndex(
        (command) => command.op === 'destroyBridge' && command.bridgeId === first.id,
      );
      expect(destroyed).toBeGreaterThan(moved);
      expect(timeline(alice)).toEqual([
        '#4 party.held',
        '#5 transfer.ringing',
        '#6 transfer.answered',
        '#7 transfer.completed',
        '#8 party.unheld',
        '#9 party.left',
        '#10 party.joined',
      ]);
      expect(timeline(bob)).toEqual([
        '#4 transfer.ringing',
        '#5 transfer.answered',
        '#6 party.left',
        '#7 party.joined',
        '#8 transfer.completed',
        '#9 party.left',
        '#10 leg.status',
      ]);
    });

    it('cancels: the recipient is hung up and the initiator is back with the transferred party', async () => {
      const { gateway, transfers, legs, started, outcome, alice, bob, first, placed, consultation, settle } =
        await consulting();
      await transfers.cancel(started.transferId);
      expect((await outcome).state).toBe('canceled');
      await settle();
      expect(legs.hungUp).toEqual([placed.callSid]);
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
      expect(gateway.held.size).toBe(0);
      expect(consultation.isEnded).toBe(true);
      expect(gateway.bridges.has(consultation.id)).toBe(false);
    });

    it('is canceled when the recipient hangs up after answering', async () => {
      const { gateway, outcome, alice, bob, first, placed, settle } = await consulting();
      gateway.farEndHangsUp(placed.channelId);
      expect((await outcome).state).toBe('canceled');
      await settle();
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
      expect(gateway.held.size).toBe(0);
    });

    it('is canceled when the recipient hangs up the moment it answers', async () => {
      const { gateway, alice, bob, first, recipient, settle, transferAlice } = await aliceWithBob();
      const { outcome } = await transferAlice('attended');
      gateway.answerLeg(recipient().channelId);
      gateway.farEndHangsUp(recipient().channelId);
      expect((await outcome).state).toBe('canceled');
      await settle();
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, bob.channelId]);
      expect(gateway.held.size).toBe(0);
    });

    it('completes when the initiator hangs up after the recipient answered', async () => {
      const { gateway, outcome, alice, bob, placed, consultation, settle } = await consulting();
      gateway.farEndHangsUp(bob.channelId);
      expect((await outcome).state).toBe('completed');
      await settle();
      expect([...gateway.bridges.get(consultation.id)!]).toEqual([placed.channelId, alice.channelId]);
    });

    it('is abandoned when the transferred party hangs up: initiator and recipient keep talking', async () => {
      const { gateway, outcome, alice, bob, first, placed, consultation, legs, settle } = await consulting();
      gateway.farEndHangsUp(alice.channelId);
      expect((await outcome).state).toBe('abandoned');
      await settle();
      expect([...gateway.bridges.get(consultation.id)!]).toEqual([placed.channelId, bob.channelId]);
      expect(first.isEnded).toBe(true);
      expect(legs.hungUp).toEqual([]);
    });

    it('turns blind when the initiator hangs up while the recipient rings', async () => {
      const { transferAlice, gateway, transfers, alice, bob, first, recipient, settle, timeline } =
        await aliceWithBob();
      const { started, outcome } = await transferAlice('attended');
      gateway.farEndHangsUp(bob.channelId);
      await settle();
      expect(transfers.get(started.transferId)).toMatchObject({ flow: 'blind', state: 'ringing' });
      gateway.answerLeg(recipient().channelId);
      expect(await outcome).toMatchObject({ flow: 'blind', state: 'completed' });
      await settle();
      expect([...gateway.bridges.get(first.id)!]).toEqual([alice.channelId, recipient().channelId]);
      expect(timeline(alice)).toEqual([
        '#4 party.held',
        '#5 transfer.ringing',
        '#6 transfer.ringing',
        '#7 transfer.completed',
        '#8 party.unheld',
      ]);
    });

    it('merges two conversations the initiator has: both of its legs are hung up', async () => {
      const { bobWithDave, gateway, transfers, legs, alice, bob, first, settle } = await aliceWithBob();
      const { bobConsult, dave, second } = await bobWithDave();
      const view = await transfers.merge({
        initiatorCallSid: bob.callSid,
        transferredCallSid: alice.callSid,
        consultationCallSid: bobConsult.callSid,
        recipientCallSid: dave.callSid,
      });
      expect(view).toMatchObject({ flow: 'attended', state: 'completed' });
      await settle();
      expect([...gateway.bridges.get(second.id)!]).toEqual([dave.channelId, alice.channelId]);
      expect(legs.hungUp).toEqual([bob.callSid, bobConsult.callSid]);
      expect(first.isEnded).toBe(true);
      expect(transfers.transferOf(alice.callSid)).toBeUndefined();
    });
  });

  it('refuses what does not apply', async () => {
    const { transfers, legs, alice, bob } = await aliceWithBob();
    const stranger = legs.answered('stranger');
    const request = { initiatorCallSid: bob.callSid, transferredCallSid: alice.callSid, recipient: carol };
    expect((await refusal(transfers.complete('cw-transfer-x'))).code).toBe(DomainErrorCode.TransferNotFound);
    expect((await refusal(transfers.blind({ ...request, transferredCallSid: stranger.callSid }))).code).toBe(
      DomainErrorCode.PartyNotFound,
    );
    expect((await refusal(transfers.blind({ ...request, transferredCallSid: bob.callSid }))).code).toBe(
      DomainErrorCode.InvalidParameter,
    );
    const started = await transfers.blind(request);
    expect((await refusal(transfers.attended(request))).code).toBe(DomainErrorCode.InvalidTransferState);
    await transfers.complete(started.transferId);
    expect((await refusal(transfers.complete(started.transferId))).code).toBe(
      DomainErrorCode.InvalidTransferState,
    );
  });
});
