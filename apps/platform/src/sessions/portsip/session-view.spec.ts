import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { CallStatus } from '../../call-control/legs/call-status';
import { toSessionDto } from './session-view';

const party = (callSid: string, state: { held?: boolean; muted?: boolean } = {}) => ({
  callSid,
  accountSid: 'AC1',
  channelId: `ch-${callSid}`,
  status: 'connected' as const,
  held: state.held ?? false,
  muted: state.muted ?? false,
});

describe('toSessionDto (a conversation as a PortSIP session)', () => {
  it('gives one call per party with PortSIP fields, talking time from the answer and the party state', () => {
    const now = new Date('2026-12-02T10:00:30Z');
    const answered = buildCallEntity({
      sid: 'CA1',
      from: '1001',
      to: '1002',
      callerName: 'Alice',
      status: CallStatus.InProgress,
      startTime: new Date('2026-12-02T10:00:00Z'),
      answerTime: new Date('2026-12-02T10:00:05Z'),
    });
    const ringing = buildCallEntity({
      sid: 'CA2',
      from: '1002',
      to: '1003',
      callerName: null,
      status: CallStatus.Ringing,
      startTime: new Date('2026-12-02T10:00:20Z'),
      answerTime: null,
    });
    const dto = toSessionDto(
      'cw-bridge-1',
      [
        { party: party('CA1', { held: true }), record: answered },
        { party: party('CA2', { muted: true }), record: ringing },
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
        },
        {
          caller: '1002',
          caller_display_name: '',
          callee: '1003',
          trunk: null,
          started_at: '2026-12-02T10:00:20.000Z',
          talking_time: 0,
          call_sid: 'CA2',
          status: 'connected',
          held: false,
          muted: true,
        },
      ],
    });
  });
});
