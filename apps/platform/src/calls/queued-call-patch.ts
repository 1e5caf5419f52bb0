import type { CallEntity } from '../call-control/legs/call.entity';
import { callOptionsColumn, storedCallOptions } from '../call-control/legs/call-options';
import type { CallModification } from '../rcml/live-modification';

/**
 * What a live modification changes on a call still waiting to be dialed: its document (Url, with its
 * method and fallback, or inline Twiml: Url wins), its TimeLimit and its status callback, stored for
 * when it is dialed.
 */
export function queuedCallPatch(change: CallModification, call: Readonly<CallEntity>): Partial<CallEntity> {
  const patch: Partial<CallEntity> = {};
  if (change.url || change.twiml)
    Object.assign(patch, {
      url: change.url ?? null,
      method: change.method ?? 'POST',
      twiml: change.url ? null : change.twiml,
      fallbackUrl: change.fallbackUrl ?? null,
      fallbackMethod: change.fallbackMethod ?? 'POST',
    });
  if (change.timeLimitSeconds !== undefined)
    patch.callOptions = callOptionsColumn({
      ...storedCallOptions(call.callOptions),
      timeLimitSeconds: change.timeLimitSeconds,
    });
  if (change.statusCallback !== undefined)
    Object.assign(patch, {
      statusCallback: change.statusCallback,
      statusCallbackMethod: change.statusCallbackMethod ?? 'POST',
    });
  return patch;
}
