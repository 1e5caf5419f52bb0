import { Injectable } from '@nestjs/common';
import type { RecipientRequest } from '../call-control/conversations/transfer';
import { ClientDirectory } from '../call-control/ports/client-directory.port';
import { ReferredDestination, TransferTargetResolver } from '../call-control/ports/transfer-target.port';
import { LiveLegs } from './live-legs';

/** How long a phone's transfer target may ring: as long as a Dial's default. */
const REFER_RING_SECONDS = 30;
const DIGITS = /^\+?[0-9*#]{1,32}$/;

/**
 * Whom a phone's blind REFER names: a registered Client of the account (by login), a `sip:` URI, or a
 * number sent through the trunk. The transferred party sees the initiator's caller id.
 */
@Injectable()
export class ReferTargetResolver extends TransferTargetResolver {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly live: LiveLegs,
  ) {
    super();
  }

  async resolve(referred: ReferredDestination): Promise<RecipientRequest | null> {
    const callerId = this.live.get(referred.initiatorCallSid)?.leg.snapshot.from ?? 'anonymous';
    const recipient = (target: RecipientRequest['target']) => ({
      target,
      callerId,
      timeoutSeconds: REFER_RING_SECONDS,
    });
    const destination = referred.destination.trim();
    if (/^sips?:/i.test(destination)) return recipient({ kind: 'sip', uri: destination });
    const client = await this.clients.findDialable(referred.accountSid, destination);
    if (client?.registered) return recipient({ kind: 'sip-user', dialString: client.dialString });
    if (DIGITS.test(destination)) return recipient({ kind: 'number', number: destination });
    return null;
  }
}
