import { Injectable } from '@nestjs/common';
import type { AccountEntity } from '../accounts/account.entity';
import { accountSipDomain } from '../accounts/sip-domain';
import type { CallOutParty } from '../call-control/call-outs/call-outs';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { ExtensionsService, TenantExtension } from '../extensions/extensions.service';
import type { DialTarget } from '../telephony/telephony-gateway.port';
import type { AdditionalHeader, SessionOptionsDto } from './portsip/dto/session-requests.dto';

/** Whom a number of a tenant reaches: one of its extensions' phones, or the trunk. */
export interface ResolvedNumber {
  number: string;
  /** Every phone of an extension (rung at once), or the number at the trunk. */
  targets: DialTarget[];
  /**
   * Whom a transfer rings: the core's transfers ring one leg, so an extension with several phones
   * is rung through its endpoint (one of them).
   */
  transferTarget: DialTarget;
  extension: TenantExtension | null;
}

const invalid = (message: string) => new DomainError(DomainErrorCode.InvalidParameter, message);

/**
 * RFC 5373 and the desk-phone conventions PortSIP's `additional_header` names. Alert-Info and Call-Info
 * carry a URI by their grammar; the tenant's domain is one nobody fetches.
 */
export function autoAnswerHeader(kind: AdditionalHeader, domain: string): Record<string, string> {
  switch (kind) {
    case 'ANSWER_MODE':
      return { 'Answer-Mode': 'Auto' };
    case 'CALL_INFO':
      return { 'Call-Info': `<sip:${domain}>;answer-after=0` };
    case 'ALERT_INFO_AUTO_ANSWER_DELAY0':
      return { 'Alert-Info': `<sip:${domain}>;info=alert-autoanswer;delay=0` };
    case 'ALERT_INFO_AUTO_ANSWER':
      return { 'Alert-Info': `<sip:${domain}>;info=Auto Answer` };
    case 'ALERT_INFO_INTERCOM':
      return { 'Alert-Info': `<sip:${domain}>;info=intercom` };
  }
}

/**
 * Turns PortSIP's numbers into whom the core rings: a tenant's extension (its registered phone) first,
 * else a phone number through the trunk. Refusals are 400s: nothing is dialed for a request that
 * cannot succeed.
 */
@Injectable()
export class SessionParties {
  constructor(
    private readonly extensions: ExtensionsService,
    private readonly config: AppConfig,
  ) {}

  /** The trunk's name as the API shows and takes it. */
  get trunkName(): string {
    return this.config.numberTrunkEndpoint;
  }

  async isExtension(account: AccountEntity, number: string): Promise<boolean> {
    return (await this.extensions.findInTenant(account, number)) !== null;
  }

  async resolve(account: AccountEntity, number: string, field: string): Promise<ResolvedNumber> {
    const extension = await this.extensions.findInTenant(account, number);
    if (extension) {
      const contacts = await this.extensions.contacts(extension.endpointId);
      if (!contacts || contacts.length === 0)
        throw invalid(`${field}: extension ${number} has no registered phone`);
      return {
        number,
        extension,
        targets: this.extensions.phoneTargets(extension.endpointId, contacts),
        transferTarget: { kind: 'sip-user', dialString: this.extensions.dialString(extension.endpointId) },
      };
    }
    if (!/^\+?[0-9*#]{2,32}$/.test(number))
      throw invalid(`${field}: ${number} is neither an extension of this account nor a phone number`);
    const trunk: DialTarget = { kind: 'number', number };
    return { number, extension: null, targets: [trunk], transferTarget: trunk };
  }

  /** Both sides of a click-to-call, with the caller ids each phone is shown and the headers asked for. */
  async callOutParties(
    account: AccountEntity,
    request: SessionOptionsDto,
  ): Promise<{ caller: CallOutParty; callee: CallOutParty }> {
    if (request.trunk !== undefined && request.trunk !== this.trunkName)
      throw invalid(`trunk ${request.trunk} is not available (this platform's trunk is ${this.trunkName})`);
    const caller = await this.resolve(account, request.caller, 'caller');
    const callee = await this.resolve(account, request.callee, 'callee');
    const domain = accountSipDomain(account);
    const header = request.additional_header && autoAnswerHeader(request.additional_header, domain);
    const direction = request.header_direction ?? 'CALLER';
    const headersFor = (side: 'CALLER' | 'CALLEE', party: ResolvedNumber) => ({
      ...(header && (direction === side || direction === 'ALL') ? header : {}),
      ...(party.extension ? {} : this.identityHeaders(request, domain)),
    });
    const outboundId = (party: ResolvedNumber, other: ResolvedNumber) =>
      party.extension
        ? other.number
        : (request.rewrite_from ?? other.extension?.extension.outboundCallerId ?? other.number);
    return {
      caller: {
        targets: caller.targets,
        to: caller.number,
        // The caller's phone shows whom it is about to call.
        callerId: outboundId(caller, callee),
        callerName: callee.extension?.extension.displayName,
        headers: headersFor('CALLER', caller),
      },
      callee: {
        targets: callee.targets,
        to: callee.number,
        callerId: outboundId(callee, caller),
        callerName: request.caller_display_name ?? caller.extension?.extension.displayName,
        headers: headersFor('CALLEE', callee),
      },
    };
  }

  /** The caller identity a trunk leg asserts, when the request rewrites it. */
  private identityHeaders(request: SessionOptionsDto, domain: string): Record<string, string> {
    return {
      ...(request.rewrite_pai ? { 'P-Asserted-Identity': `<sip:${request.rewrite_pai}@${domain}>` } : {}),
      ...(request.rewrite_rpi
        ? { 'Remote-Party-ID': `<sip:${request.rewrite_rpi}@${domain}>;party=calling;screen=yes` }
        : {}),
    };
  }
}
