import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CallEventBus } from '../../call-control/events/call-event-bus';
import type { CallEvent } from '../../call-control/events/call-event';
import { isTerminal } from '../../call-control/legs/call-state-machine';
import { ConsoleLiveCallsService } from './console-live-calls.service';
import type { LiveCallDto } from './live-call-view';

const PING_MS = 15000;

export interface LiveCallMessage {
  callSid: string;
  sequence: number;
  at: string;
  type: string;
  status?: string;
  sipCode?: number;
  conversationId?: string;
  /** The call after the event; null once it ended (the list drops it). */
  call: LiveCallDto | null;
}

/** What one event tells the live view (the record copy of a status change gives the call without a lookup). */
export function toLiveCallMessage(event: CallEvent, live: ConsoleLiveCallsService): LiveCallMessage {
  const { payload } = event;
  const message: LiveCallMessage = {
    callSid: event.callSid,
    sequence: event.sequence,
    at: event.at.toISOString(),
    type: payload.type,
    call: null,
  };
  if (payload.type === 'leg.status') {
    message.status = payload.status;
    if (payload.sipCode !== undefined) message.sipCode = payload.sipCode;
    if (!isTerminal(payload.status))
      message.call = payload.record
        ? live.view({ ...payload.record, status: payload.status })
        : live.current(event.callSid);
    return message;
  }
  if ('conversationId' in payload) message.conversationId = payload.conversationId;
  message.call = live.current(event.callSid);
  return message;
}

/**
 * `GET /console/api/live-calls/stream`: the core's event stream of one account as server-sent events.
 * Each connection is one bus subscription, dropped when the browser goes away.
 */
@Injectable()
export class LiveCallStream implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly bus: CallEventBus,
    private readonly live: ConsoleLiveCallsService,
  ) {}

  /** Ends every stream, so that the HTTP server can close (browsers reconnect to another node). */
  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }

  connect(accountSid: string, req: Request, res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Connection', 'keep-alive');
    // Proxies (nginx) would otherwise hold events back in their buffers.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ accountSid })}\n\n`);
    const unsubscribe = this.bus.subscribe({ accountSid }, (event) => {
      if (!res.writableEnded)
        res.write(`event: call\ndata: ${JSON.stringify(toLiveCallMessage(event, this.live))}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
    ping.unref();
    const close = () => {
      clearInterval(ping);
      unsubscribe();
      this.open.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    this.open.add(end);
    req.on('close', close);
    res.on('close', close);
  }
}
