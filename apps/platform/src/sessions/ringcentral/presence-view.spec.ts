import { acrossNodes, type ActiveCall } from './presence-view';

const call = (partyId: string, telephonyStatus: ActiveCall['telephonyStatus']) =>
  ({ id: partyId, partyId, telephonyStatus }) as ActiveCall;

describe('acrossNodes (an extension’s presence over several nodes)', () => {
  it('is NoCall with no call anywhere', () => {
    expect(acrossNodes([], [{ telephonyStatus: 'NoCall' }])).toEqual({
      telephonyStatus: 'NoCall',
      activeCalls: [],
    });
  });

  it('takes the other nodes’ calls into the status and lists them after this node’s', () => {
    const merged = acrossNodes(
      [{ status: 'Ringing', call: call('CA1', 'Ringing') }],
      [{ telephonyStatus: 'CallConnected', activeCalls: [call('CA2', 'CallConnected')] }, {}],
    );
    expect(merged.telephonyStatus).toBe('CallConnected');
    expect(merged.activeCalls.map((active) => active.partyId)).toEqual(['CA1', 'CA2']);
  });
});
