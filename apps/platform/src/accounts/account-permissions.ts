import { DomainError, DomainErrorCode } from '../common/domain-error';

interface Actor {
  sid: string;
  parentSid: string | null;
}

/** Only a main account creates subaccounts (Twilio's rule); a subaccount has none of its own. */
export function assertMayCreateAccounts(actor: Actor): void {
  if (actor.parentSid !== null)
    throw new DomainError(DomainErrorCode.Forbidden, 'A subaccount cannot create accounts');
}

/**
 * A main account updates itself and its subaccounts; a subaccount may read itself but not change
 * itself (it could otherwise reopen what its main account suspended). The guard has already
 * refused every other target with 404.
 */
export function assertMayUpdate(actor: Actor, target: Actor): void {
  if (actor.parentSid !== null)
    throw new DomainError(DomainErrorCode.Forbidden, `A subaccount cannot change account ${target.sid}`);
}
