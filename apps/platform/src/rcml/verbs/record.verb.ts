import {
  booleanAttribute,
  digitKeysAttribute,
  integerAttribute,
  methodAttribute,
  optionalUrlAttribute,
  warnUnknownAttributes,
} from './attribute-parsers';
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
      ],
      context,
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
      await context.notifyApp(verb.recordingStatusCallback, verb.recordingStatusCallbackMethod, {
        RecordingSid: result.recordingSid,
        RecordingUrl: result.recordingUrl,
        RecordingStatus: 'completed',
        RecordingDuration: String(result.durationSeconds),
        RecordingChannels: '1',
        RecordingSource: 'RecordVerb',
      });
    }
    if (context.signal.aborted) return 'end';
    if (!verb.action) return 'continue';
    return { next: { url: verb.action, method: verb.method, params } };
  },
};
