import type { AccountLimitsService } from '../../accounts/account-limits.service';
import type { AppConfig } from '../../config/app-config';
import type { IncomingChannel } from '../../telephony/telephony-gateway.port';
import { InboundAdmission } from './inbound-admission';

const channel = (hops = 0): IncomingChannel => ({
  channelId: 'c1',
  to: '+15550001111',
  from: '+15550002222',
  callerName: null,
  sipCallId: null,
  hops,
});

function admission(maxConcurrentCalls: number, live = 0) {
  const limits = { limitsFor: async () => ({ maxConcurrentCalls }) } as unknown as AccountLimitsService;
  const gate: InboundAdmission = new InboundAdmission(
    limits,
    { maxCallHops: 3 } as AppConfig,
    (sid) => live + gate.reservedFor(sid),
  );
  return gate;
}

describe('InboundAdmission', () => {
  it('admits up to the concurrency limit, counting the calls admitted but not yet set up', async () => {
    const gate = admission(2, 1);
    expect(await gate.admit(channel(), 'AC1')).toBeNull();
    expect(gate.reservedFor('AC1')).toBe(1);
    expect(await gate.admit(channel(), 'AC1')).toMatchObject({ sipCode: 503, notification: { code: 20503 } });
    gate.release('AC1');
    expect(gate.reservedFor('AC1')).toBe(0);
    expect(await gate.admit(channel(), 'AC1')).toBeNull();
  });

  it('refuses a looping call with 482, and every call with 503 while the platform drains', async () => {
    const gate = admission(10);
    expect(await gate.admit(channel(3), 'AC1')).toMatchObject({
      sipCode: 482,
      notification: { code: 20482 },
    });
    gate.draining = true;
    expect(await gate.admit(channel(), 'AC1')).toMatchObject({ sipCode: 503 });
    expect(gate.reservedFor('AC1')).toBe(0);
  });
});
