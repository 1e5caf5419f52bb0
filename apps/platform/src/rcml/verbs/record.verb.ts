import {
  booleanAttribute,
  digitKeysAttribute,
  integerAttribute,
  methodAttribute,
  optionalUrlAttribute,
  warnUnknownAttributes,
} from './attribute-parsers';
import { recordingStatusParams, reportFailedTranscription } from './recording-callbacks';
import type { HttpMethod, VerbDefinition } from './verb';

export interface RecordVerb {
  verb: 'Record';
  maxLengthSeconds: number;
  silenceTimeoutSeconds: number;
  finishOnKey: string;
  playBeep: boolean;
  /** Null in an inline document without an action: the next verb runs. */
  action: string | null;
  method: HttpMethod;
  recordingStatusCallback: string | null;
  recordingStatusCallbackMethod: HttpMethod;
  /** Where the (always failed) transcription is reported; null without transcribe or callback. */
  transcribeCallback: { url: string; method: HttpMethod } | null;
}

export const recordVerb: VerbDefinition<RecordVerb> = {
  name: 'Record',
  parse(node, context) {
    warnUnknownAttributes(
      node,
      [
        'maxLength',
        'timeout',
        'finishOnKey',
        'playBeep',
        'action',
        'method',
        'recordingStatusCallback',
        'recordingStatusCallbackMethod',
        'transcribe',
        'transcribeCallback',
      ],
      context,
    );
    // As in TwiML, a transcribeCallback implies transcribe="true".
    const transcribeUrl = optionalUrlAttribute(node, 'transcribeCallback', context);
    const transcribe = booleanAttribute(node, 'transcribe', transcribeUrl !== null);
    if (transcribe)
      context.warn(
        '<Record transcribe>: no speech-to-text engine is configured; the transcription will fail',
      );
    return {
      verb: 'Record',
      maxLengthSeconds: integerAttribute(node, 'maxLength', 3600, 1, 14400),
      silenceTimeoutSeconds: integerAttribute(node, 'timeout', 5, 0, 3600),
      finishOnKey: digitKeysAttribute(node, 'finishOnKey', '1234567890*#'),
      playBeep: booleanAttribute(node, 'playBeep', true),
      action: optionalUrlAttribute(node, 'action', context) ?? context.documentUrl,
      method: methodAttribute(node, 'method', 'POST'),
      recordingStatusCallback: optionalUrlAttribute(node, 'recordingStatusCallback', context),
      recordingStatusCallbackMethod: methodAttribute(node, 'recordingStatusCallbackMethod', 'POST'),
      transcribeCallback: transcribe && transcribeUrl ? { url: transcribeUrl, method: 'POST' } : null,
    };
  },
  async execute(verb, context) {
    const result = await context.record({
      maxLengthSeconds: verb.maxLengthSeconds,
      silenceTimeoutSeconds: verb.silenceTimeoutSeconds,
      finishOnKey: verb.finishOnKey,
      playBeep: verb.playBeep,
    });
    if (!result) return context.signal.aborted ? 'end' : 'continue';
    const params = {
      RecordingUrl: result.recordingUrl,
      RecordingDuration: String(result.durationSeconds),
      RecordingSid: result.recordingSid,
      Digits: result.digits,
    };
    if (verb.recordingStatusCallback) {
      await context.notifyApp(
        verb.recordingStatusCallback,
        verb.recordingStatusCallbackMethod,
        recordingStatusParams({
          sid: result.recordingSid,
          url: result.recordingUrl,
          durationSeconds: result.durationSeconds,
          startTime: result.startTime,
          source: 'RecordVerb',
        }),
      );
    }
    if (verb.transcribeCallback)
      await reportFailedTranscription(context, verb.transcribeCallback, {
        sid: result.recordingSid,
        url: result.recordingUrl,
      });
    if (context.signal.aborted) return 'end';
    if (!verb.action) return 'continue';
    return { next: { url: verb.action, method: verb.method, params } };
  },
};
