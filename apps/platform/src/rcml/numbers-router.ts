import { Injectable } from '@nestjs/common';
import { AccountStatus } from '../accounts/account-status';
import { AccountsService } from '../accounts/accounts.service';
import type { InboundRoute } from '../call-control/inbound/inbound-router.port';
import { InboundRouter } from '../call-control/inbound/inbound-router.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import { IncomingNumbersService } from '../incoming-numbers/incoming-numbers.service';
import { ApplicationsService } from '../applications/applications.service';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import type { IncomingChannel } from '../telephony/telephony-gateway.port';

const SIP_NOT_FOUND = 404;
const SIP_FORBIDDEN = 403;

/** IncomingPhoneNumbers as a router: the dialed number's account runs the number's VoiceUrl. */
@Injectable()
export class NumbersRouter extends InboundRouter {
  constructor(
    private readonly numbers: IncomingNumbersService,
    private readonly accounts: AccountsService,
    private readonly applications: ApplicationsService,
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
    // A number pointing at an Application runs its voice settings, in its dialect (Twilio's).
    const application = number.voiceApplicationSid
      ? await this.applications.find(account.sid, number.voiceApplicationSid)
      : null;
    const voice = application ?? number;
    return {
      kind: 'accept',
      accountSid: account.sid,
      signingKey: account.authToken,
      apiVersion: application?.apiVersion ?? RESTCOMM_API_VERSION,
      fields: {
        phoneNumberSid: number.sid,
        url: voice.voiceUrl,
        method: voice.voiceMethod,
        fallbackUrl: voice.voiceFallbackUrl,
        fallbackMethod: voice.voiceFallbackMethod,
        statusCallback: voice.statusCallback,
        statusCallbackMethod: voice.statusCallbackMethod,
        statusCallbackEvent: number.statusCallbackEvent,
      },
    };
  }
}
