import { rfc2822 } from '../../common/rfc2822';
import type { QueueMemberView, QueueStats } from '../../call-control/queues/call-queues';
import type { QueueEntity } from '../queue.entity';

export interface QueueResponseDto {
  sid: string;
  account_sid: string;
  friendly_name: string;
  max_size: number;
  current_size: number;
  average_wait_time: number;
  date_created: string | null;
  date_updated: string | null;
  uri: string;
  subresource_uris: { members: string };
}

export interface QueueMemberResponseDto {
  call_sid: string;
  queue_sid: string;
  date_enqueued: string | null;
  position: number;
  wait_time: number;
  uri: string;
}

export const queuesUri = (accountSid: string) => `/2010-04-01/Accounts/${accountSid}/Queues`;
export const membersUri = (accountSid: string, queueSid: string) =>
  `${queuesUri(accountSid)}/${queueSid}/Members`;

export function toQueueResponse(queue: QueueEntity, stats: QueueStats): QueueResponseDto {
  const uri = `${queuesUri(queue.accountSid)}/${queue.sid}`;
  return {
    sid: queue.sid,
    account_sid: queue.accountSid,
    friendly_name: queue.friendlyName,
    max_size: queue.maxSize,
    current_size: stats.currentSize,
    average_wait_time: stats.averageWaitSeconds,
    date_created: rfc2822(queue.dateCreated),
    date_updated: rfc2822(queue.dateUpdated),
    uri: `${uri}.json`,
    subresource_uris: { members: `${uri}/Members.json` },
  };
}

export function toQueueMemberResponse(accountSid: string, member: QueueMemberView): QueueMemberResponseDto {
  return {
    call_sid: member.callSid,
    queue_sid: member.queueSid,
    date_enqueued: rfc2822(member.enqueuedAt),
    position: member.position,
    wait_time: member.waitSeconds,
    uri: `${membersUri(accountSid, member.queueSid)}/${member.callSid}.json`,
  };
}
