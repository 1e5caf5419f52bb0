import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../../accounts/account.entity';
import type { CallEntity } from '../../call-control/legs/call.entity';
import { CallsService } from '../../calls/calls.service';
import { toCallResponse, type CallResponseDto } from '../../calls/dto/call-response.dto';
import { NotificationEntity } from '../../notifications/notification.entity';
import { RecordingEntity } from '../../recordings/recording.entity';
import { redactedUrl } from '../../webhooks/webhook-observers';
import { CallEventEntity } from '../call-event.entity';

export interface TimelineEvent {
  at: string;
  kind: string;
  sequence?: number;
  [detail: string]: unknown;
}

export interface ConsoleRecordingDto {
  sid: string;
  callSid: string | null;
  status: string;
  duration: number;
  channels: number;
  dateCreated: string;
  mediaUrl: string;
  mp3Url: string;
}

export interface CallTimelineDto {
  call: CallResponseDto;
  parent: CallResponseDto | null;
  children: CallResponseDto[];
  recordings: ConsoleRecordingDto[];
  events: TimelineEvent[];
}

const KIND_ORDER: Record<string, number> = { status: 0, webhook: 1 };

/** Credentials written into free text (a URL in a notification's message) are masked too. */
const maskText = (text: string) => text.replace(/(\/\/)[^/\s@]+@/g, '$1***@');

export function toConsoleRecording(recording: RecordingEntity): ConsoleRecordingDto {
  return {
    sid: recording.sid,
    callSid: recording.callSid,
    status: recording.status,
    duration: recording.duration,
    channels: recording.channels,
    dateCreated: new Date(recording.dateCreated).toISOString(),
    mediaUrl: `/console/api/recordings/${recording.sid}.wav`,
    mp3Url: `/console/api/recordings/${recording.sid}.mp3`,
  };
}

/**
 * One call's story for the console: the stored event log (status changes with SIP codes, webhook
 * requests, party, conversation and transfer changes) merged with what other tables know of the call
 * (its Dial legs, notifications, recordings), in time order.
 */
@Injectable()
export class CallTimelineService {
  constructor(
    private readonly calls: CallsService,
    @InjectRepository(CallEventEntity) private readonly events: Repository<CallEventEntity>,
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
    @InjectRepository(RecordingEntity) private readonly recordings: Repository<RecordingEntity>,
  ) {}

  async timeline(account: AccountEntity, callSid: string): Promise<CallTimelineDto> {
    const call = await this.calls.get(account, callSid);
    const [parent, children, stored, notifications, recordings] = await Promise.all([
      call.parentCallSid ? this.calls.get(account, call.parentCallSid).catch(() => null) : null,
      this.children(account, call),
      this.events.find({
        where: { callSid: call.sid, accountSid: account.sid },
        order: { at: 'ASC', id: 'ASC' },
      }),
      this.notifications.find({ where: { callSid: call.sid, accountSid: account.sid } }),
      this.recordings.find({ where: { callSid: call.sid, accountSid: account.sid } }),
    ]);
    const events: TimelineEvent[] = [
      ...stored.map(storedEvent),
      ...children.map((child) => ({
        at: iso(child.dateCreated),
        kind: 'child',
        callSid: child.sid,
        status: child.status,
        to: child.to,
        from: child.from,
        direction: child.direction,
        sipResponseCode: child.sipResponseCode,
      })),
      ...notifications.map((notification) => ({
        at: iso(notification.dateCreated),
        kind: 'notification',
        sid: notification.sid,
        level: Number(notification.log) === 0 ? 'error' : 'warning',
        errorCode: String(notification.errorCode),
        message: maskText(notification.messageText),
        requestUrl: notification.requestUrl ? redactedUrl(notification.requestUrl) : null,
        requestMethod: notification.requestMethod,
      })),
      ...recordings.map((recording) => ({
        at: iso(recording.dateCreated),
        kind: 'recording',
        sid: recording.sid,
        duration: recording.duration,
        status: recording.status,
      })),
    ];
    events.sort(byTime);
    return {
      call: toCallResponse(call, '.json'),
      parent: parent ? toCallResponse(parent, '.json') : null,
      children: children.map((child) => toCallResponse(child, '.json')),
      recordings: recordings.map(toConsoleRecording),
      events,
    };
  }

  private children(account: AccountEntity, call: CallEntity): Promise<CallEntity[]> {
    return this.calls
      .list(account, {
        criteria: { parentCallSid: call.sid },
        page: 0,
        pageGiven: true,
        pageSize: 100,
        filterParams: [],
      })
      .then((result) => [...result.calls].reverse());
  }
}

const iso = (date: Date) => new Date(date).toISOString();

function storedEvent(row: CallEventEntity): TimelineEvent {
  const details = JSON.parse(row.data) as Record<string, unknown>;
  const event: TimelineEvent = { at: iso(row.at), kind: row.kind, ...details };
  if (row.sequence !== null) event.sequence = row.sequence;
  if (row.kind === 'webhook') {
    event.purpose = row.type;
    event.latencyMs = row.latencyMs;
  } else event.type = row.type;
  if (row.kind === 'status') {
    event.status = details.status;
    delete event.type;
  }
  return event;
}

/** Time order; at the same millisecond a status change comes before the webhook it caused, then by sequence. */
function byTime(a: TimelineEvent, b: TimelineEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const kinds = (KIND_ORDER[a.kind] ?? 2) - (KIND_ORDER[b.kind] ?? 2);
  if (kinds !== 0) return kinds;
  return (a.sequence ?? 0) - (b.sequence ?? 0);
}
