import { Body, Controller, Headers, HttpCode, Post, UseFilters } from '@nestjs/common';
import { AccessTokensService, TokenGrant } from '../../accounts/access-tokens.service';
import { AccountStatus } from '../../accounts/account-status';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { accountSipDomain } from '../../accounts/sip-domain';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { ExtensionsService } from '../../extensions/extensions.service';
import { OauthRevokeRequestDto, OauthTokenRequestDto } from './dto/oauth-token-request.dto';
import { RingcentralExceptionFilter } from './ringcentral-exception.filter';

/** RingCentral's token answer. */
export interface RingcentralTokenDto {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  scope: string;
  /** The extension (EX sid) an extension token acts as, or the account. */
  owner_id: string;
}

const SCOPE = 'CallControl ReadAccounts ReadPresence SubscriptionWebhook TelephonySessions';
const wrongCredentials = () =>
  new DomainError(DomainErrorCode.AuthenticationRequired, 'Invalid resource owner credentials');

/**
 * RingCentral's OAuth: `client_credentials` with Basic account credentials (AuthToken or API key) for
 * an account token; `password` with an extension number and its password for an extension token;
 * `refresh_token`; revoke.
 */
@Controller('restapi/oauth')
@UseFilters(RingcentralExceptionFilter)
export class RingcentralAuthController {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly basic: BasicAuthGuard,
    private readonly extensions: ExtensionsService,
    private readonly config: AppConfig,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Body() body: OauthTokenRequestDto,
    @Headers('authorization') authorization?: string,
  ): Promise<RingcentralTokenDto> {
    if (body.grant_type === 'refresh_token')
      return this.answer(await this.tokens.refresh(body.refresh_token!));
    const credential = await this.basic.authenticate(authorization);
    if (body.grant_type === 'client_credentials') {
      if (!credential) throw wrongCredentials();
      if (credential.account.status !== AccountStatus.Active)
        throw new DomainError(
          DomainErrorCode.AccountNotActive,
          `Account ${credential.account.sid} is not active`,
        );
      return this.answer(await this.tokens.grantFor(credential.account.sid, null));
    }
    const [number, named] = body.username!.split('@', 2);
    const domain = named ?? body.domain ?? (credential && accountSipDomain(credential.account));
    const found = domain ? await this.extensions.authenticate(domain, number, body.password!) : null;
    if (!found || (credential && credential.account.sid !== found.account.sid)) throw wrongCredentials();
    return this.answer(
      await this.tokens.grantFor(found.account.sid, found.extension.extensionNumber),
      found.extension.sid,
    );
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Body() body: OauthRevokeRequestDto): Promise<Record<string, never>> {
    await this.tokens.revoke(body.token);
    return {};
  }

  private answer(grant: TokenGrant, ownerId?: string): RingcentralTokenDto {
    return {
      access_token: grant.access_token,
      token_type: 'bearer',
      expires_in: grant.expires_in,
      refresh_token: grant.refresh_token,
      refresh_token_expires_in: this.config.refreshTokenTtlSeconds,
      scope: SCOPE,
      owner_id: ownerId ?? grant.account_sid,
    };
  }
}
