import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AccountsService } from '../../accounts/accounts.service';
import type { CallEvent } from '../../call-control/events/call-event';
import { CallEventBus } from '../../call-control/events/call-event-bus';
import { isTerminal } from '../../call-control/legs/call-state-machine';
import { SerialQueue } from '../../common/serial-queue';
import { LiveSessions } from '../live-sessions';
import type { DepartureReason, PartyInput } from './telephony-party-view';
import {
  TelephonySessionEvent,
  TelephonySessionEvents,
  TelephonySessionListener,
} from './telephony-session-event';
import { TelephonySessionsService } from './telephony-sessions.service';

/** Names this node in `serverId`. */
const SERVER_ID = 'callwright';
const FORGET_AFTER_MS = 60_000;

interface SessionStream {
  accountSid: string;
  sequence: number;
  /** The last body's parties, to send nothing when a core event changed nothing RingCentral shows. */
  lastParties: string;
  /** Legs that ended or moved on since the last event: shown once more, Disconnected or Gone. */
  departed: Map<string, PartyInput>;
  queue: SerialQueue;
}

/**
 * The telephony session events: each core event of a leg in a session (status, party, transfer) gives
 * that session's new snapshot, numbered per session from 1 without gaps, unless nothing RingCentral
 * shows changed. A leg that ends appears once more as Disconnected, or Gone when a transfer moved its
 * call on; a session whose last leg is gone is forgotten.
 */
@Injectable()
export class TelephonySessionEventsService
  extends TelephonySessionEvents
  implements OnModuleInit, OnModuleDestroy
{
  private readonly logger = new Logger('TelephonySessionEvents');
  private readonly listeners = new Set<TelephonySessionListener>();
  private readonly streams = new Map<string, SessionStream>();
  private readonly sessionOfLeg = new Map<string, string>();
  private readonly departures = new Map<string, DepartureReason>();
  private unsubscribe?: () => void;

  constructor(
    private readonly bus: CallEventBus,
    private readonly live: LiveSessions,
    private readonly sessions: TelephonySessionsService,
    private readonly accounts: AccountsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((event) => this.onCallEvent(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  subscribe(listener: TelephonySessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onCallEvent(event: CallEvent): void {
    const { callSid, payload } = event;
    if (payload.type === 'transfer.completed' && payload.role === 'initiator')
      this.departures.set(callSid, payload.flow === 'blind' ? 'BlindTransfer' : 'AttendedTransfer');
    const previous = this.sessionOfLeg.get(callSid);
    const current = this.live.sessionIdOf(callSid);
    const ended = payload.type === 'leg.status' && isTerminal(payload.status);
    if (current && !ended) this.sessionOfLeg.set(callSid, current);
    const touched = new Set([previous, current].filter((id): id is string => !!id));
    if (ended) {
      this.sessionOfLeg.delete(callSid);
      const departure = this.departures.get(callSid);
      this.departures.delete(callSid);
      for (const id of touched)
        if (payload.record)
          this.stream(id, event.accountSid).departed.set(callSid, {
            record: payload.record,
            party: null,
            departure,
          });
    }
    for (const id of touched) {
      const stream = this.stream(id, event.accountSid);
      // The snapshot is taken now, with the event's own record: later changes are later events.
      const legs = this.snapshot(id, stream, event);
      void stream.queue
        .run(() => this.emit(id, stream, legs, event.at))
        .catch((error: unknown) => this.logger.warn(`Session ${id} event: ${String(error)}`));
    }
  }

  private stream(id: string, accountSid: string): SessionStream {
    let stream = this.streams.get(id);
    if (!stream) {
      stream = { accountSid, sequence: 0, lastParties: '', departed: new Map(), queue: new SerialQueue() };
      this.streams.set(id, stream);
    }
    return stream;
  }

  private snapshot(id: string, stream: SessionStream, event: CallEvent): PartyInput[] {
    const session = this.live.find(stream.accountSid, id);
    const legs: PartyInput[] = (session?.legs ?? []).map((leg) =>
      event.payload.type === 'leg.status' && event.payload.record && leg.record.sid === event.callSid
        ? { ...leg, record: event.payload.record }
        : leg,
    );
    const present = new Set(legs.map(({ record }) => record.sid));
    for (const [callSid, departed] of stream.departed) if (!present.has(callSid)) legs.push(departed);
    stream.departed.clear();
    return legs;
  }

  private async emit(id: string, stream: SessionStream, legs: PartyInput[], at: Date): Promise<void> {
    if (legs.length > 0) {
      const account = await this.accounts.findBySid(stream.accountSid);
      if (account) {
        const view = await this.sessions.view(
          account,
          { id, accountSid: stream.accountSid, legs: [], callingOut: false },
          legs,
        );
        const parties = JSON.stringify(view.parties);
        if (parties !== stream.lastParties) {
          stream.lastParties = parties;
          this.publish({
            accountSid: stream.accountSid,
            extensionSids: [
              ...new Set(view.parties.flatMap((party) => (party.extensionId ? [party.extensionId] : []))),
            ],
            body: {
              sequence: ++stream.sequence,
              sessionId: id,
              telephonySessionId: id,
              serverId: SERVER_ID,
              eventTime: at.toISOString(),
              accountId: stream.accountSid,
              origin: view.origin,
              parties: view.parties,
            },
          });
        }
      }
    }
    if (!this.live.find(stream.accountSid, id)) this.forgetLater(id, stream);
  }

  /** A finished session's numbering is kept a while: a late final event of one of its legs goes on it. */
  private forgetLater(id: string, stream: SessionStream): void {
    const sequence = stream.sequence;
    setTimeout(() => {
      if (
        this.streams.get(id) === stream &&
        stream.sequence === sequence &&
        !this.live.find(stream.accountSid, id)
      )
        this.streams.delete(id);
    }, FORGET_AFTER_MS).unref();
  }

  private publish(event: TelephonySessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`A session event listener failed: ${String(error)}`);
      }
    }
  }
}
