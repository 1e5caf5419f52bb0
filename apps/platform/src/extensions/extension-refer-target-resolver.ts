import type { RecipientRequest } from '../call-control/conversations/transfer';
import type { LegDirectory } from '../call-control/ports/leg-directory.port';
import { ReferredDestination, TransferTargetResolver } from '../call-control/ports/transfer-target.port';
import { EXTENSION_NUMBER_PATTERN } from './dto/extension-fields';
import { EXTENSION_RING_SECONDS } from './extensions-router';
import type { ExtensionsService } from './extensions.service';

/**
 * A phone's blind REFER names, first, an extension of the tenant the REFERring leg belongs to: its
 * registered phones ring; an extension without one is nobody to transfer to (the phone is told 503),
 * never a trunk number. Asterisk passes only the Refer-To's user part, so another tenant's domain in
 * the URI cannot reach that tenant. Whatever is no extension goes to `others` (Clients, URIs, numbers).
 */
export class ExtensionReferTargetResolver extends TransferTargetResolver {
  constructor(
    private readonly others: TransferTargetResolver,
    private readonly extensions: ExtensionsService,
    private readonly legs: LegDirectory,
  ) {
    super();
  }

  async resolve(referred: ReferredDestination): Promise<RecipientRequest | null> {
    const destination = referred.destination.trim();
    const extension = EXTENSION_NUMBER_PATTERN.test(destination)
      ? await this.extensions.findInAccount(referred.accountSid, destination)
      : null;
    if (!extension) return this.others.resolve(referred);
    const contacts = await this.extensions.contacts(extension.endpointId);
    if (!contacts || contacts.length === 0) return null;
    return {
      target: { kind: 'sip-user', dialString: this.extensions.dialString(extension.endpointId) },
      to: destination,
      // As for every REFER target: what the REFERring leg showed as its caller.
      callerId: this.legs.find(referred.initiatorCallSid)?.snapshot.from ?? 'anonymous',
      timeoutSeconds: EXTENSION_RING_SECONDS,
    };
  }
}
