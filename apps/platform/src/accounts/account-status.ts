import { DomainError, DomainErrorCode } from '../common/domain-error';

export enum AccountStatus {
  Active = 'active',
  Suspended = 'suspended',
  Closed = 'closed',
}

export const ACCOUNT_STATUSES: readonly string[] = Object.values(AccountStatus);

/**
 * Which status changes an update may make. Closed is permanent (Twilio releases a closed account's
 * resources), and the main account cannot suspend or close itself: nobody would be left to undo it.
 * Returns null when allowed, else why not.
 */
export function statusChangeRefusal(
  account: { status: string; parentSid: string | null },
  to: AccountStatus,
): string | null {
  if (account.status === AccountStatus.Closed) return 'A closed account cannot be changed';
  if (account.parentSid === null && to !== AccountStatus.Active)
    return 'The main account cannot be suspended or closed';
  return null;
}

/** Throws the API's 400 when statusChangeRefusal refuses. */
export function assertStatusChange(
  account: { sid: string; status: string; parentSid: string | null },
  to: AccountStatus,
): void {
  const refusal = statusChangeRefusal(account, to);
  if (refusal) throw new DomainError(DomainErrorCode.InvalidParameter, `${refusal} (${account.sid})`);
}
