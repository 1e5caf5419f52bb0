import type { CallOptions } from '../call-control/legs/call-options';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import type { HttpMethod } from '../rcml/verbs/verb';
import type { CreateCallDto } from './dto/create-call.dto';
import { machineDetectionSettings } from './dto/machine-detection.dto';

/** How an outbound call is dialed; kept in memory with the queued call, never stored (a password). */
export interface DialingOptions {
  /** The caller id its INVITE carries instead of the record's From (Twilio's CallerId). */
  callerId?: string;
  /** Digest credentials for a `sip:` callee that challenges (Twilio's SipAuthUsername/Password). */
  sipAuth?: { username: string; password: string };
}

/** An API's request for an outbound call, in the facade-neutral terms CallsService.create takes. */
export interface OutboundCallRequest {
  to: string;
  from: string;
  /** The API dialect the call was created in: its webhooks say so in ApiVersion. */
  apiVersion: string;
  url: string | null;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
  /** An inline document run instead of fetching one (Twilio's Twiml). */
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvent: string[] | undefined;
  timeout: number;
  /** JSON of MachineDetectionSettings, or null. */
  machineDetection: string | null;
  options: CallOptions;
  dialing: DialingOptions;
}

/** RestComm's POST /Calls. */
export function restcommCallRequest(request: CreateCallDto): OutboundCallRequest {
  return {
    to: request.To,
    from: request.From,
    apiVersion: RESTCOMM_API_VERSION,
    url: request.Url,
    method: request.Method,
    fallbackUrl: request.FallbackUrl ?? null,
    fallbackMethod: request.FallbackMethod,
    twiml: null,
    statusCallback: request.StatusCallback ?? null,
    statusCallbackMethod: request.StatusCallbackMethod,
    statusCallbackEvent: request.StatusCallbackEvent,
    timeout: request.Timeout,
    machineDetection: machineDetectionSettings(request),
    options: {},
    dialing: {},
  };
}
