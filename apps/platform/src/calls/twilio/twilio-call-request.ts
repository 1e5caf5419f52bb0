import type { CallOptions } from '../../call-control/legs/call-options';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { TWILIO_API_VERSION } from '../../common/api-version';
import { machineDetectionSettings } from '../dto/machine-detection.dto';
import type { TwilioCreateCallDto } from '../dto/twilio-create-call.dto';
import type { OutboundCallRequest } from '../outbound-call-request';

/** What a call runs when neither Url nor Twiml says (an Application's voice settings). */
export interface VoiceApplication {
  voiceUrl: string | null;
  voiceMethod: string;
  voiceFallbackUrl: string | null;
  voiceFallbackMethod: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
}

const httpMethod = (value: string) => (value === 'GET' ? 'GET' : 'POST');

function callOptions(request: TwilioCreateCallDto): CallOptions {
  const options: CallOptions = {};
  if (request.SendDigits) options.sendDigits = request.SendDigits;
  if (request.TimeLimit !== undefined) options.timeLimitSeconds = request.TimeLimit;
  if (request.Record) {
    options.record = {
      track: request.RecordingTrack ?? 'both',
      channels: request.RecordingChannels ?? 'mono',
      trim: request.Trim ?? 'trim-silence',
      callback: request.RecordingStatusCallback
        ? {
            url: request.RecordingStatusCallback,
            method: request.RecordingStatusCallbackMethod ?? 'POST',
            events: request.RecordingStatusCallbackEvent ?? ['completed'],
          }
        : null,
    };
  }
  return options;
}

/**
 * Twilio's Calls.create in the platform's terms. Url wins over Twiml (Twilio ignores Twiml then), and
 * either over the Application's voice URL; with none of them the call has nothing to run (21205).
 * SendDigits turns MachineDetection off, as on Twilio.
 */
export function twilioCallRequest(
  request: TwilioCreateCallDto,
  application: VoiceApplication | null = null,
): OutboundCallRequest {
  const twiml = request.Url ? null : (request.Twiml ?? null);
  const url = request.Url ?? (twiml ? null : (application?.voiceUrl ?? null));
  if (!url && !twiml)
    throw new DomainError(
      DomainErrorCode.InvalidUrl,
      "Give the call something to run: the 'Url', 'Twiml' or 'ApplicationSid' parameter",
    );
  const fromApplication = !request.Url && !twiml && application !== null;
  const sipAuth =
    request.SipAuthUsername && request.SipAuthPassword !== undefined
      ? { username: request.SipAuthUsername, password: request.SipAuthPassword }
      : undefined;
  return {
    to: request.To,
    from: request.From,
    apiVersion: TWILIO_API_VERSION,
    url,
    method: fromApplication ? httpMethod(application.voiceMethod) : request.Method,
    fallbackUrl: (fromApplication ? application.voiceFallbackUrl : request.FallbackUrl) ?? null,
    fallbackMethod: fromApplication ? httpMethod(application.voiceFallbackMethod) : request.FallbackMethod,
    twiml,
    statusCallback: request.StatusCallback ?? application?.statusCallback ?? null,
    statusCallbackMethod: request.StatusCallback
      ? request.StatusCallbackMethod
      : application?.statusCallback
        ? httpMethod(application.statusCallbackMethod)
        : request.StatusCallbackMethod,
    statusCallbackEvent: request.StatusCallbackEvent,
    timeout: request.Timeout,
    machineDetection: request.SendDigits ? null : machineDetectionSettings(request),
    options: callOptions(request),
    dialing: { callerId: request.CallerId, sipAuth },
  };
}
