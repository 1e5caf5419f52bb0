import { escapeXml } from '../../common/xml-escape';
import { TWILIO_API_VERSION } from '../../common/api-version';
import { machineDetectionSettings } from '../dto/machine-detection.dto';
import type { TwilioCreateParticipantDto } from '../dto/twilio-create-participant.dto';
import type { OutboundCallRequest } from '../outbound-call-request';

/**
 * The document a new participant's call runs once answered: `<Dial><Conference>` into the room with the
 * participant's settings, the same noun `<Dial>` gives any caller (one conference implementation).
 */
export function participantTwiml(conference: string, request: TwilioCreateParticipantDto): string {
  const attributes: Array<[string, string | number | boolean | undefined]> = [
    ['muted', request.Muted],
    ['beep', request.Beep],
    ['startConferenceOnEnter', request.StartConferenceOnEnter],
    ['endConferenceOnExit', request.EndConferenceOnExit],
    ['waitUrl', request.WaitUrl],
    ['maxParticipants', request.MaxParticipants],
    ['statusCallback', request.ConferenceStatusCallback],
    [
      'statusCallbackMethod',
      request.ConferenceStatusCallback ? request.ConferenceStatusCallbackMethod : undefined,
    ],
    [
      'statusCallbackEvent',
      request.ConferenceStatusCallback ? request.ConferenceStatusCallbackEvent : undefined,
    ],
  ];
  const rendered = attributes
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<Response><Dial><Conference${rendered}>${escapeXml(conference)}</Conference></Dial></Response>`;
}

/** Calls.create of the participant's call: its Twiml is the conference, the rest as Twilio's Calls. */
export function participantCallRequest(
  conference: string,
  request: TwilioCreateParticipantDto,
): OutboundCallRequest {
  return {
    to: request.To,
    from: request.From,
    apiVersion: TWILIO_API_VERSION,
    url: null,
    method: 'POST',
    fallbackUrl: null,
    fallbackMethod: 'POST',
    twiml: participantTwiml(conference, request),
    statusCallback: request.StatusCallback ?? null,
    statusCallbackMethod: request.StatusCallbackMethod,
    statusCallbackEvent: request.StatusCallbackEvent,
    timeout: request.Timeout,
    machineDetection: machineDetectionSettings(request),
    options: request.TimeLimit !== undefined ? { timeLimitSeconds: request.TimeLimit } : {},
    dialing: { callerId: request.CallerId },
  };
}
