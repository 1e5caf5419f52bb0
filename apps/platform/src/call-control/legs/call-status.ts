export enum CallStatus {
  Queued = 'queued',
  Ringing = 'ringing',
  InProgress = 'in-progress',
  Completed = 'completed',
  Busy = 'busy',
  Failed = 'failed',
  NoAnswer = 'no-answer',
  Canceled = 'canceled',
}

export const CALL_STATUSES = Object.values(CallStatus);

export enum CallDirection {
  Inbound = 'inbound',
  OutboundApi = 'outbound-api',
  OutboundDial = 'outbound-dial',
}
