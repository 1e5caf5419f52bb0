import { Injectable } from '@nestjs/common';
import { AccountStatus } from '../accounts/account-status';
import { AccountsService } from '../accounts/accounts.service';
import type { InboundRoute } from '../call-control/inbound/inbound-router.port';
import { InboundRouter } from '../call-control/inbound/inbound-router.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { IncomingNumbersService } from '../incoming-numbers/incoming-numbers.service';
import type { IncomingChannel } from '../telephony/telephony-gateway.port';

const SIP_NOT_FOUND = 404;
const SIP_FORBIDDEN = 403;

/** IncomingPhoneNumbers as a router: the dialed number's account runs the number's VoiceUrl. */
@Injectable()
export class NumbersRouter extends InboundRouter {
  constructor(
    private readonly numbers: IncomingNumbersService,
    private readonly accounts: AccountsService,
  ) {
    super();
  }

  async route(channel: IncomingChannel): Promise<InboundRoute> {
    const number = await this.numbers.findByNumber(channel.to);
    const account = number && (await this.accounts.findBySid(number.accountSid));
    if (!number || !account) {
      const operator = await this.accounts.ensureBootstrapAccount();
      return {
        kind: 'refuse',
        sipCode: SIP_NOT_FOUND,
        hangupReason: 'unallocated',
        notification: {
          accountSid: operator.sid,
          callSid: null,
          level: NotificationLevel.Warning,
          code: NotificationCode.UnknownNumber,
          message: `Inbound call from ${channel.from} to unknown number "${channel.to}" was rejected with ${SIP_NOT_FOUND}`,
        },
      };
    }
    if (account.status !== AccountStatus.Active) {
      return {
        kind: 'refuse',
        sipCode: SIP_FORBIDDEN,
        hangupReason: 'failure',
        notification: {
          accountSid: account.sid,
          callSid: null,
          level: NotificationLevel.Warning,
          code: NotificationCode.AccountNotActive,
          message: `Inbound call from ${channel.from} to "${channel.to}" was rejected with ${SIP_FORBIDDEN}: the account is ${account.status}`,
        },
      };
    }
    return {
      kind: 'accept',
      accountSid: account.sid,
      signingKey: account.authToken,
      fields: {
        phoneNumberSid: number.sid,
        url: number.voiceUrl,
        method: number.voiceMethod,
        fallbackUrl: number.voiceFallbackUrl,
        fallbackMethod: number.voiceFallbackMethod,
        statusCallback: number.statusCallback,
        statusCallbackMethod: number.statusCallbackMethod,
        statusCallbackEvent: number.statusCallbackEvent,
      },
    };
  }
}
