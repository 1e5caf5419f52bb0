import type { CallEntity } from '../call-control/legs/call.entity';
import type { CallModification } from '../rcml/live-modification';

/**
 * What a live modification changes on a call still waiting to be dialed: its document (Url, with its
 * method and fallback) and its status callback, stored for when it is dialed.
 */
export function queuedCallPatch(change: CallModification): Partial<CallEntity> {
  const patch: Partial<CallEntity> = {};
  if (change.url)
    Object.assign(patch, {
      url: change.url,
      method: change.method ?? 'POST',
      fallbackUrl: change.fallbackUrl ?? null,
      fallbackMethod: change.fallbackMethod ?? 'POST',
    });
  if (change.statusCallback !== undefined)
    Object.assign(patch, {
      statusCallback: change.statusCallback,
      statusCallbackMethod: change.statusCallbackMethod ?? 'POST',
    });
  return patch;
}
