import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { CallDirection, CallStatus } from '../../call-control/legs/call-status';
import { legNumber, mergeSessions, toSessionDto, type SessionDto } from './session-view';

const party = (callSid: string, state: { held?: boolean; muted?: boolean } = {}) => ({
  callSid,
  accountSid: 'AC1',
  channelId: `ch-${callSid}`,
  status: 'connected' as const,
  held: state.held ?? false,
  muted: state.muted ?? false,
});

describe('toSessionDto (a conversation as a PortSIP session)', () => {
  it('gives one call per leg with PortSIP fields, talking time from the answer, the party state and user data', () => {
    const now = new Date('2026-12-02T10:00:30Z');
    const answered = buildCallEntity({
      sid: 'CA1',
      from: '1001',
      to: '1002',
      callerName: 'Alice',
      userData: 'ticket 42',
      status: CallStatus.InProgress,
      startTime: new Date('2026-12-02T10:00:00Z'),
      answerTime: new Date('2026-12-02T10:00:05Z'),
    });
    const ringing = buildCallEntity({
      sid: 'CA2',
      from: '1002',
      to: '+15550001003',
      direction: CallDirection.OutboundApi,
      callerName: null,
      status: CallStatus.Ringing,
      startTime: new Date('2026-12-02T10:00:20Z'),
      answerTime: null,
    });
    const dto = toSessionDto(
      'cw-bridge-1',
      [
        { party: party('CA1', { held: true }), record: answered, trunk: null },
        { party: null, record: ringing, trunk: 'carrier' },
      ],
      now,
    );
    expect(dto).toEqual({
      id: 'cw-bridge-1',
      calls: [
        {
          caller: '1001',
          caller_display_name: 'Alice',
          callee: '1002',
          trunk: null,
          started_at: '2026-12-02T10:00:05.000Z',
          talking_time: 25,
          call_sid: 'CA1',
          status: 'connected',
          held: true,
          muted: false,
          user_data: 'ticket 42',
        },
        {
          caller: '1002',
          caller_display_name: '',
          callee: '+15550001003',
          trunk: 'carrier',
          started_at: '2026-12-02T10:00:20.000Z',
          talking_time: 0,
          call_sid: 'CA2',
          // Still ringing: not a party yet, the call's own status shows.
          status: 'ringing',
          held: false,
          muted: false,
          user_data: null,
        },
      ],
    });
  });
});

describe('legNumber (how PortSIP matches a leg by extension_number)', () => {
  it('is the calling phone for a call into the platform and the called phone for a placed leg', () => {
    expect(legNumber(buildCallEntity({ direction: CallDirection.Inbound, from: '1001', to: '1002' }))).toBe(
      '1001',
    );
    expect(
      legNumber(buildCallEntity({ direction: CallDirection.OutboundDial, from: '1001', to: '1002' })),
    ).toBe('1002');
    expect(
      legNumber(buildCallEntity({ direction: CallDirection.OutboundApi, from: '1002', to: '1001' })),
    ).toBe('1001');
  });
});

describe("mergeSessions (every node's sessions in one list)", () => {
  const session = (id: string) => ({ id, calls: [] }) as unknown as SessionDto;

  it("lists this node's sessions first, then the others', each once", () => {
    const merged = mergeSessions([session('s1')], [[session('s2'), session('s1')], [session('s3')]]);
    expect(merged.map((item) => item.id)).toEqual(['s1', 's2', 's3']);
  });
});
