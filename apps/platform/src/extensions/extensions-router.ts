import { AccountStatus } from '../accounts/account-status';
import type { InboundRoute } from '../call-control/inbound/inbound-router.port';
import { InboundRouter } from '../call-control/inbound/inbound-router.port';
import { NotificationCode, NotificationLevel } from '../common/notification-codes';
import type { DialTarget, IncomingChannel } from '../telephony/telephony-gateway.port';
import type { ExtensionsService, TenantExtension } from './extensions.service';
import { registeredPhoneCaller } from './registered-phone-caller';

const SIP_FORBIDDEN = 403;
const SIP_NOT_FOUND = 404;
const SIP_TEMPORARILY_UNAVAILABLE = 480;
/** How long an extension rings before its caller hears 408. */
export const EXTENSION_RING_SECONDS = 30;
/** What the trunk accepts: digits (with * and #) or an E.164 number. */
const TRUNK_NUMBER = /^\+?[0-9*#]{2,32}$/;

/**
 * Inbound routing with PBX extensions: a call placed by a registered extension stays in its tenant
 * (another extension of the tenant rings, a tenant's IncomingPhoneNumber runs its RCML, anything else
 * leaves through the trunk with the extension's caller id). Every other call goes to `numbers`.
 */
export class ExtensionsRouter extends InboundRouter {
  constructor(
    private readonly numbers: InboundRouter,
    private readonly extensions: ExtensionsService,
  ) {
    super();
  }

  async route(channel: IncomingChannel): Promise<InboundRoute> {
    // Extension endpoints, and only they, are named `<number>@<domain>`.
    const caller = channel.callingEndpoint?.includes('@')
      ? await this.extensions.findByEndpoint(channel.callingEndpoint)
      : await registeredPhoneCaller(this.extensions, channel);
    if (!caller) return this.numbers.route(channel);
    if (caller.account.status !== AccountStatus.Active)
      return refuse(caller, SIP_FORBIDDEN, 'failure', `the account is ${caller.account.status}`, channel);

    const callee = await this.extensions.findInTenant(caller.account, channel.to);
    if (callee) {
      const contacts = await this.extensions.contacts(callee.endpointId);
      if (!contacts || contacts.length === 0)
        return refuse(caller, SIP_TEMPORARILY_UNAVAILABLE, 'failure', 'no phone is registered', channel);
      return connect(
        caller,
        this.extensions.phoneTargets(callee.endpointId, contacts),
        caller.extension.extensionNumber,
        callee.extension.extensionNumber,
      );
    }

    const numberRoute = await this.numbers.route(channel);
    if (numberRoute.kind !== 'refuse' && numberRoute.accountSid === caller.account.sid) return numberRoute;
    if (!TRUNK_NUMBER.test(channel.to))
      return refuse(caller, SIP_NOT_FOUND, 'unallocated', 'it is neither an extension nor a number', channel);
    const callerId = caller.extension.outboundCallerId ?? caller.extension.extensionNumber;
    return connect(caller, [{ kind: 'number', number: channel.to }], callerId);
  }
}

function connect(
  caller: TenantExtension,
  targets: DialTarget[],
  callerId: string,
  to?: string,
): InboundRoute {
  return {
    kind: 'connect',
    accountSid: caller.account.sid,
    signingKey: caller.account.authToken,
    fields: { url: null },
    connect: { targets, callerId, timeoutSeconds: EXTENSION_RING_SECONDS, ...(to ? { to } : {}) },
  };
}

function refuse(
  caller: TenantExtension,
  sipCode: number,
  hangupReason: 'failure' | 'unallocated',
  why: string,
  channel: IncomingChannel,
): InboundRoute {
  return {
    kind: 'refuse',
    sipCode,
    hangupReason,
    notification: {
      accountSid: caller.account.sid,
      callSid: null,
      level: NotificationLevel.Warning,
      code:
        sipCode === SIP_FORBIDDEN ? NotificationCode.AccountNotActive : NotificationCode.ExtensionUnreachable,
      message: `Call from extension ${caller.extension.extensionNumber} to "${channel.to}" was rejected with ${sipCode}: ${why}`,
    },
  };
}
