import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { AccountEntity } from '../../../accounts/account.entity';
import { AccountsService } from '../../../accounts/accounts.service';
import { PlainTextRefusal } from '../../../common/plain-text-refusal';
import { AppConfig } from '../../../config/app-config';
import type { Cidr } from '../../../common/ip-address';
import { EXTENSION_NUMBER_PATTERN } from '../../../extensions/dto/extension-fields';
import type { ExtensionEntity } from '../../../extensions/extension.entity';
import { ExtensionsService } from '../../../extensions/extensions.service';
import type { DigestFailure } from './http-digest';
import type { SipxRequest } from './sipx-caller';
import { SipxDigestAuthenticator } from './sipx-digest-authenticator';
import { isTrustedHttps, parseTrustedNetworks } from './trusted-networks';

/** The plain-text bodies of 401s, by what went wrong (sipX answers `not valid user pin`). */
const FAILURE_TEXT: Record<DigestFailure, string> = {
  missing: 'authentication required',
  malformed: 'not valid authorization header',
  'unknown-user': 'not valid user pin',
  'wrong-response': 'not valid user pin',
  'wrong-uri': 'authorization uri does not match the request',
  stale: 'stale nonce',
  replayed: 'nonce count already used',
};

/**
 * Authentication of `/callcontroller/{callingUser}/{calledUser}` as sipX's REST container does it:
 * - over HTTPS from CALLCONTROLLER_TRUSTED_NETWORKS: no PIN; the request acts for `agent` (query) or
 *   else the calling user, who must be an enabled extension of the tenant;
 * - otherwise (plain HTTP always) HTTP Digest, user = extension number, password = the extension's PIN,
 *   realm `callwright-callcontroller`. A user that is not the calling user (an agent) needs the
 *   CallControllerAgent permission, enforced here: 403.
 *
 * The tenant is the domain of `callingUser` when it is written `1001@pbx.example.com`, else the request's
 * Host (a tenant reaching the platform under its own SIP domain). The Digest username is the bare extension
 * number (`curl --digest -u 1001:PIN`): the stored HA1s are over that name, so they survive a domain change.
 */
@Injectable()
export class SipxDigestGuard implements CanActivate {
  private readonly trustedNetworks: Cidr[];

  constructor(
    config: AppConfig,
    private readonly digest: SipxDigestAuthenticator,
    private readonly accounts: AccountsService,
    private readonly extensions: ExtensionsService,
  ) {
    this.trustedNetworks = parseTrustedNetworks(config.callcontrollerTrustedNetworks);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SipxRequest>();
    const callingUser = String(req.params?.callingUser ?? '');
    const agentParam =
      agentOf(req.query?.agent) ?? agentOf((req.body as Record<string, unknown> | undefined)?.agent);
    const tenant = await this.tenantOf(callingUser, req.headers.host);

    if (isTrustedHttps(req, this.trustedNetworks)) {
      const acting = userPart(agentParam ?? callingUser);
      const found =
        tenant && EXTENSION_NUMBER_PATTERN.test(acting)
          ? await this.extensions.findInTenant(tenant, acting)
          : null;
      if (!found) throw new PlainTextRefusal(HttpStatus.NOT_FOUND, 'not valid user');
      req.sipxCaller = { accountSid: found.account.sid, extensionNumber: acting, agent: true };
      return true;
    }

    const outcome = await this.digest.verify<ExtensionEntity>(
      { method: req.method, uri: req.originalUrl ?? req.url, authorization: req.headers.authorization },
      async (username) => {
        if (!tenant || !EXTENSION_NUMBER_PATTERN.test(username)) return null;
        const found = await this.extensions.findInTenant(tenant, username);
        if (!found) return null;
        const { extension } = found;
        return { user: extension, ha1: { MD5: extension.pinHa1Md5, 'SHA-256': extension.pinHa1Sha256 } };
      },
    );
    if (!outcome.ok)
      throw new PlainTextRefusal(HttpStatus.UNAUTHORIZED, FAILURE_TEXT[outcome.failure], {
        'WWW-Authenticate': this.digest.challenges(outcome.failure === 'stale'),
      });

    const extension = outcome.user;
    if (agentParam !== null && userPart(agentParam) !== extension.extensionNumber)
      throw new PlainTextRefusal(HttpStatus.FORBIDDEN, 'agent is not the authenticated user');
    if (userPart(callingUser) !== extension.extensionNumber && !extension.callControllerAgent)
      throw new PlainTextRefusal(HttpStatus.FORBIDDEN, 'user is not allowed to act as agent');
    req.sipxCaller = {
      accountSid: extension.accountSid,
      extensionNumber: extension.extensionNumber,
      agent: extension.callControllerAgent,
    };
    return true;
  }

  private async tenantOf(callingUser: string, host: string | undefined): Promise<AccountEntity | null> {
    const at = callingUser.indexOf('@');
    const domain = at >= 0 ? callingUser.slice(at + 1) : hostName(host);
    return domain ? this.accounts.findBySipDomain(domain) : null;
  }
}

/** sipX reads parameters from the query or a form body. */
function agentOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `1001` of `1001`, `1001@pbx.example.com` or `sip:1001@pbx.example.com`. */
export function userPart(user: string): string {
  const bare = user.replace(/^sips?:/i, '');
  const at = bare.indexOf('@');
  return at >= 0 ? bare.slice(0, at) : bare;
}

function hostName(host: string | undefined): string | null {
  if (!host) return null;
  // `[::1]:8080`, `pbx.example.com:8080`, `pbx.example.com`.
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name || null;
}
