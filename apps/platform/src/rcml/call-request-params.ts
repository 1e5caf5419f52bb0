import type { CallEntity } from '../call-control/legs/call.entity';
import { TWILIO_API_VERSION } from '../common/api-version';

/** The parameters every RCML request and callback carries, in Twilio's names. */
export function callRequestParams(call: Readonly<CallEntity>): Record<string, string> {
  const params: Record<string, string> = {
    CallSid: call.sid,
    AccountSid: call.accountSid,
    From: call.from,
    To: call.to,
    CallStatus: call.status,
    ApiVersion: call.apiVersion,
    Direction: call.direction,
  };
  // Twilio's dialect repeats From and To as Caller and Called.
  if (call.apiVersion === TWILIO_API_VERSION) Object.assign(params, { Caller: call.from, Called: call.to });
  if (call.forwardedFrom) params.ForwardedFrom = call.forwardedFrom;
  if (call.callerName) params.CallerName = call.callerName;
  if (call.parentCallSid) params.ParentCallSid = call.parentCallSid;
  if (call.answeredBy) params.AnsweredBy = call.answeredBy;
  return params;
}
