import { CallStatus } from '../../call-control/legs/call-status';
import { buildCallEntity } from '../../../../../test/factories/call-entity.factory';
import { rowOfEvent, rowOfExchange } from './call-event-recorder.service';

const origin = {
  callSid: 'CA' + '1'.repeat(32),
  accountSid: 'AC' + '2'.repeat(32),
  sequence: 3,
  at: new Date(0),
};

describe('call event log rows', () => {
  it('stores a status change with its SIP code, without the record copy', () => {
    const row = rowOfEvent({
      ...origin,
      payload: {
        type: 'leg.status',
        status: CallStatus.Ringing,
        sipCode: 180,
        moment: 'ringing',
        record: buildCallEntity(),
      },
    });
    expect(row).toMatchObject({ kind: 'status', type: 'leg.status', sequence: 3, latencyMs: null });
    expect(JSON.parse(row.data)).toEqual({ status: 'ringing', sipCode: 180, moment: 'ringing' });
  });

  it('names each kind of core event', () => {
    const kinds = [
      { type: 'leg.sip-response', sipCode: 183, statusLine: 'SIP/2.0 183 Session Progress' },
      { type: 'party.held', conversationId: 'cv', by: 'platform' },
      { type: 'conversation.started', conversationId: 'cv' },
      {
        type: 'transfer.ringing',
        transferId: 't',
        flow: 'blind',
        role: 'initiator',
        roles: { initiator: 'a', transferred: 'b', recipient: null },
      },
    ].map((payload) => rowOfEvent({ ...origin, payload } as never).kind);
    expect(kinds).toEqual(['sip', 'party', 'conversation', 'transfer']);
  });

  it('stores a webhook request with its latency in a column of its own', () => {
    const row = rowOfExchange({
      ...origin,
      purpose: 'callback',
      method: 'POST',
      url: 'https://***:***@example.com/status',
      status: 500,
      latencyMs: 42.5,
      failure: 'http-status',
    });
    expect(row).toMatchObject({ kind: 'webhook', type: 'callback', latencyMs: 42.5, sequence: null });
    expect(JSON.parse(row.data)).toEqual({
      method: 'POST',
      url: 'https://***:***@example.com/status',
      httpStatus: 500,
      failure: 'http-status',
    });
  });
});
