import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { WebhookClient, WebhookError } from '../../../webhooks/webhook-client.service';
import { DeliveryPolicy } from './delivery-policy';
import { SubscriptionErrors } from './subscription-errors';

/** RingCentral refuses a handshake answer larger than this (headers included; here the body). */
const MAX_ANSWER_BYTES = 1024;

/**
 * RingCentral's WebHook validation: before a subscription is created (or its address changes, or a
 * suspended one is renewed), the address gets a POST with a random `Validation-Token` header and must
 * answer 2xx with the same header, within the notification timeout (3 s).
 */
@Injectable()
export class SubscriptionHandshake {
  private readonly logger = new Logger('SubscriptionHandshake');

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly policy: DeliveryPolicy,
  ) {}

  async verify(address: string): Promise<void> {
    const token = randomBytes(24).toString('base64url');
    let echoed: string | undefined;
    try {
      const response = await this.webhooks.postJson({
        url: address,
        headers: { 'validation-token': token },
        timeoutMs: this.policy.timeoutMs,
        maxBodyBytes: MAX_ANSWER_BYTES,
      });
      echoed = response.headers?.['validation-token'];
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      this.logger.warn(`WebHook validation refused: ${error.message}`);
      if (error.reason === 'http-status' && error.response)
        throw SubscriptionErrors.webhookStatus(error.response.status);
      throw SubscriptionErrors.webhookInvalid();
    }
    if (echoed !== token) {
      this.logger.warn(`WebHook validation refused: ${address} did not echo the Validation-Token header`);
      throw SubscriptionErrors.webhookInvalid();
    }
  }
}
