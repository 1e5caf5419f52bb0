import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallEventBus } from '../call-control/events/call-event-bus';
import type { CallEvent } from '../call-control/events/call-event';
import { isTerminal } from '../call-control/legs/call-state-machine';
import { CallDirection } from '../call-control/legs/call-status';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { PlatformMetrics } from './platform-metrics';

interface TrackedCall {
  direction: string;
  invitedAt: number | null;
}

/**
 * Counts calls from the core's one event stream: started and live by direction, ended by final status,
 * and the setup latency of outbound legs. Also follows the ARI connection.
 */
@Injectable()
export class CallMetricsListener implements OnModuleInit, OnModuleDestroy {
  private readonly calls = new Map<string, TrackedCall>();
  private unsubscribe: (() => void) | null = null;
  private connections = 0;

  constructor(
    private readonly events: CallEventBus,
    private readonly gateway: TelephonyGateway,
    private readonly metrics: PlatformMetrics,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe(async (event) => this.count(event));
    this.metrics.readAriStateWith(() => this.gateway.isConnected());
    this.gateway.onConnected(() => {
      if (++this.connections > 1) this.metrics.ariReconnects.inc();
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private count(event: CallEvent): void {
    const payload = event.payload;
    if (payload.type !== 'leg.status' || !payload.record) return;
    const record = payload.record;
    let call = this.calls.get(event.callSid);
    if (!call) {
      call = { direction: record.direction, invitedAt: null };
      this.metrics.callsStarted.inc({ direction: call.direction });
      if (isTerminal(payload.status)) return this.end(event.callSid, call, payload.status, false);
      this.calls.set(event.callSid, call);
      this.metrics.liveCalls.inc({ direction: call.direction });
    }
    const outbound = record.direction !== CallDirection.Inbound;
    const at = event.at.getTime();
    if (payload.moment === 'initiated' && outbound && call.invitedAt === null) {
      call.invitedAt = at;
      const requested = new Date(record.dateCreated).getTime();
      this.metrics.callSetup.observe({ stage: 'request_to_invite' }, Math.max(0, at - requested) / 1000);
    }
    if (payload.moment === 'answered' && outbound && call.invitedAt !== null)
      this.metrics.callSetup.observe({ stage: 'invite_to_answer' }, Math.max(0, at - call.invitedAt) / 1000);
    if (isTerminal(payload.status)) this.end(event.callSid, call, payload.status, true);
  }

  private end(callSid: string, call: TrackedCall, status: string, wasLive: boolean): void {
    this.calls.delete(callSid);
    if (wasLive) this.metrics.liveCalls.dec({ direction: call.direction });
    this.metrics.callsEnded.inc({ direction: call.direction, status });
  }
}
