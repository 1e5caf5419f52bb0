import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import type { PartyView } from '../../call-control/conversations/conversation';
import { CallDirection, CallStatus } from '../../call-control/legs/call-status';
import { partyStatus, toRcSession } from './telephony-party-view';

const party = (callSid: string, state: Partial<PartyView> = {}): PartyView => ({
  callSid,
  accountSid: 'AC1',
  channelId: `ch-${callSid}`,
  status: 'connected',
  held: false,
  muted: false,
  ...state,
});
const extensions = new Map([
  ['1001', { sid: 'EX1001', displayName: 'Front Desk' }],
  ['1002', { sid: 'EX1002', displayName: 'Sales' }],
]);

describe('toRcSession (a session as RingCentral parties)', () => {
  it('shows a call-out: the agent places it (Outbound), the callee receives it (Inbound), both from the agent', () => {
    // The platform rings the agent's phone showing the callee's number, then the callee.
    const agent = buildCallEntity({
      sid: 'CA-agent',
      direction: CallDirection.OutboundApi,
      from: '+15550002000',
      to: '1001',
      parentCallSid: null,
      status: CallStatus.InProgress,
      dateCreated: new Date('2026-12-02T10:00:00Z'),
    });
    const customer = buildCallEntity({
      sid: 'CA-customer',
      direction: CallDirection.OutboundDial,
      from: '1001',
      to: '+15550002000',
      parentCallSid: 'CA-agent',
      status: CallStatus.Ringing,
      dateCreated: new Date('2026-12-02T10:00:03Z'),
    });
    const session = toRcSession(
      { id: 'cw-bridge-1', accountSid: 'AC1' },
      [
        { record: agent, party: party('CA-agent', { muted: true }) },
        { record: customer, party: null },
      ],
      extensions,
    );
    expect(session).toEqual({
      id: 'cw-bridge-1',
      sessionId: 'cw-bridge-1',
      accountId: 'AC1',
      origin: { type: 'Call' },
      creationTime: '2026-12-02T10:00:00.000Z',
      parties: [
        {
          id: 'CA-agent',
          accountId: 'AC1',
          extensionId: 'EX1001',
          direction: 'Outbound',
          from: { phoneNumber: '1001', extensionNumber: '1001', extensionId: 'EX1001', name: 'Front Desk' },
          to: { phoneNumber: '+15550002000' },
          status: { code: 'Answered' },
          missedCall: false,
          standAlone: false,
          muted: true,
        },
        {
          id: 'CA-customer',
          accountId: 'AC1',
          direction: 'Inbound',
          from: { phoneNumber: '1001', extensionNumber: '1001', extensionId: 'EX1001', name: 'Front Desk' },
          to: { phoneNumber: '+15550002000' },
          status: { code: 'Proceeding' },
          missedCall: false,
          standAlone: false,
          muted: false,
        },
      ],
    });
  });

  it('shows a call a phone dialed: the caller from its From, the callee extension Inbound', () => {
    const caller = buildCallEntity({
      sid: 'CA-a',
      direction: CallDirection.Inbound,
      from: '1001',
      to: '1002',
    });
    const callee = buildCallEntity({
      sid: 'CA-b',
      direction: CallDirection.OutboundDial,
      from: '1001',
      to: '1002',
      parentCallSid: 'CA-a',
      status: CallStatus.NoAnswer,
    });
    const [first, second] = toRcSession(
      { id: 's', accountSid: 'AC1' },
      [
        { record: caller, party: party('CA-a') },
        { record: callee, party: null },
      ],
      extensions,
    ).parties;
    expect(first).toMatchObject({
      direction: 'Outbound',
      from: { extensionNumber: '1001' },
      to: { extensionNumber: '1002' },
    });
    expect(second).toMatchObject({
      direction: 'Inbound',
      extensionId: 'EX1002',
      status: { code: 'Disconnected', reason: 'NoAnswer' },
      missedCall: true,
    });
  });
});

describe('partyStatus', () => {
  const leg = (status: CallStatus, extra: Partial<Parameters<typeof buildCallEntity>[0]> = {}) =>
    buildCallEntity({ status, ...extra });

  it.each([
    [CallStatus.Queued, { code: 'Setup' }],
    [CallStatus.Ringing, { code: 'Proceeding' }],
    [CallStatus.InProgress, { code: 'Answered' }],
    [CallStatus.Completed, { code: 'Disconnected', reason: 'CallFinished' }],
    [CallStatus.Busy, { code: 'Disconnected', reason: 'TargetBusy' }],
    [CallStatus.Canceled, { code: 'Disconnected', reason: 'Cancelled' }],
    [CallStatus.Failed, { code: 'Disconnected', reason: 'InternalError' }],
  ])('maps a call %s that is no party to %j', (status, expected) => {
    expect(partyStatus({ record: leg(status), party: null })).toEqual(expected);
  });

  it('is Hold or Answered for a party, Rejected for a 603, Gone for a transfer', () => {
    expect(partyStatus({ record: leg(CallStatus.InProgress), party: party('x', { held: true }) })).toEqual({
      code: 'Hold',
    });
    expect(partyStatus({ record: leg(CallStatus.InProgress), party: party('x') })).toEqual({
      code: 'Answered',
    });
    expect(partyStatus({ record: leg(CallStatus.Failed, { sipResponseCode: 603 }), party: null })).toEqual({
      code: 'Disconnected',
      reason: 'Rejected',
    });
    expect(
      partyStatus({ record: leg(CallStatus.Completed), party: null, departure: 'BlindTransfer' }),
    ).toEqual({
      code: 'Gone',
      reason: 'BlindTransfer',
    });
  });

  it('is Parked, with the park id on the party, while the party waits in the orbit', () => {
    const parked = {
      record: leg(CallStatus.InProgress),
      party: party('CA-parked', { held: true, parked: '801' }),
    };
    expect(partyStatus(parked)).toEqual({ code: 'Parked' });
    const [view] = toRcSession({ id: 's', accountSid: 'AC1' }, [parked], extensions).parties;
    expect(view).toMatchObject({ status: { code: 'Parked' }, park: { id: '801' } });
    const answered = { record: leg(CallStatus.InProgress), party: party('CA-parked') };
    expect(toRcSession({ id: 's', accountSid: 'AC1' }, [answered], extensions).parties[0]).not.toHaveProperty(
      'park',
    );
  });
});
