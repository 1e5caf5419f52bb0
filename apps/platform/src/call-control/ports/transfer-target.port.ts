import type { RecipientRequest } from '../conversations/transfer';

export interface ReferredDestination {
  accountSid: string;
  /** The leg whose phone sent the REFER. */
  initiatorCallSid: string;
  /** The REFER's destination as Asterisk reports it (an extension, a number, a SIP URI). */
  destination: string;
}

/**
 * Turns the destination of a phone's blind REFER into whom to ring (numbers, Clients, extensions are
 * the facades' and resources' knowledge, not the core's). Null: nobody by that name.
 */
export abstract class TransferTargetResolver {
  abstract resolve(referred: ReferredDestination): Promise<RecipientRequest | null>;
}
