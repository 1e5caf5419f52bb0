import type * as ari from 'ari-client';
import { labelVariables, takeHangupTime } from './ari-restart-support';

describe('channel labels for restarts', () => {
  it('stores the CallSid, parent and bridge, and pushes the hangup handler with the CallSid', () => {
    expect(labelVariables({ callSid: 'CA1', parentCallSid: 'CA0' })).toEqual({
      CALLWRIGHT_CALL_SID: 'CA1',
      CALLWRIGHT_PARENT_CALL_SID: 'CA0',
      'CHANNEL(hangup_handler_push)': 'callwright-hangup,s,1',
    });
    // Labelling a bridged channel again must not push the handler a second time.
    expect(labelVariables({ bridgeId: 'cw-bridge-1' })).toEqual({ CALLWRIGHT_BRIDGE_ID: 'cw-bridge-1' });
  });

  it('reads the end time the hangup handler noted, then clears it', async () => {
    const cleared: string[] = [];
    const client = {
      asterisk: {
        getGlobalVar: async ({ variable }: { variable: string }) => ({
          value: variable === 'CALLWRIGHT_ENDED_ch-1' ? '1796165704' : '',
        }),
        setGlobalVar: async ({ variable, value }: { variable: string; value: string }) =>
          void cleared.push(`${variable}=${value}`),
      },
    } as unknown as ari.Client;
    expect(await takeHangupTime(client, 'ch-1')).toEqual(new Date(1796165704 * 1000));
    expect(cleared).toEqual(['CALLWRIGHT_ENDED_ch-1=']);
    expect(await takeHangupTime(client, 'ch-2')).toBeNull();
  });
});
