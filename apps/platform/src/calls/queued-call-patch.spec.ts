import type { CallEntity } from '../call-control/legs/call.entity';
import { queuedCallPatch } from './queued-call-patch';

const call = { callOptions: JSON.stringify({ sendDigits: '12' }) } as CallEntity;

describe('queuedCallPatch', () => {
  it('stores inline Twiml in place of the Url, and a Url in place of Twiml (Url wins when both come)', () => {
    expect(queuedCallPatch({ twiml: '<Response/>' }, call)).toMatchObject({
      url: null,
      twiml: '<Response/>',
    });
    expect(queuedCallPatch({ url: 'http://app.example/a', twiml: '<Response/>' }, call)).toMatchObject({
      url: 'http://app.example/a',
      twiml: null,
    });
  });

  it('keeps the other call options when TimeLimit changes', () => {
    const patch = queuedCallPatch({ timeLimitSeconds: 30 }, call);
    expect(JSON.parse(patch.callOptions!)).toEqual({ sendDigits: '12', timeLimitSeconds: 30 });
    expect(patch.url).toBeUndefined();
  });
});
