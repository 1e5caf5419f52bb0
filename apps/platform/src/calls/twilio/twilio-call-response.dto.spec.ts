import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { CallDirection } from '../../call-control/legs/call-status';
import { toTwilioCallResponse } from './twilio-call-response.dto';

describe('toTwilioCallResponse queue_time', () => {
  const created = new Date('2026-12-01T10:00:00.000Z');

  it('is the time an API call waited in the outbound queue, in milliseconds', () => {
    const call = buildCallEntity({ dateCreated: created, startTime: new Date('2026-12-01T10:00:01.250Z') });
    expect(toTwilioCallResponse(call).queue_time).toBe('1250');
  });

  it('is 0 while the call still waits, and for calls that never queue', () => {
    expect(toTwilioCallResponse(buildCallEntity({ dateCreated: created, startTime: null })).queue_time).toBe(
      '0',
    );
    const inbound = buildCallEntity({
      direction: CallDirection.Inbound,
      dateCreated: created,
      startTime: new Date('2026-12-01T10:00:03.000Z'),
    });
    expect(toTwilioCallResponse(inbound).queue_time).toBe('0');
  });
});
