import { Body, Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { AccessTokensService, TokenGrant } from '../../accounts/access-tokens.service';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { PortsipExceptionFilter } from './portsip-exception.filter';
import { TokenRequestDto } from './dto/token-request.dto';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { sidPattern } from '../../common/sid';
import { ExtensionsService } from '../../extensions/extensions.service';

/** PortSIP's token answer (OAuth's fields). */
export type PortsipTokenDto = Pick<
  TokenGrant,
  'access_token' | 'expires_in' | 'refresh_token' | 'token_type'
>;

const toPortsipToken = ({
  access_token,
  expires_in,
  refresh_token,
  token_type,
}: TokenGrant): PortsipTokenDto => ({
  access_token,
  expires_in,
  refresh_token,
  token_type,
});

/** PortSIP's authentication: the OAuth password grant, refresh and revoke, under `/api/login/oauth`. */
@Controller('api/login/oauth')
@UseFilters(PortsipExceptionFilter)
export class PortsipAuthController {
  constructor(
    private readonly tokens: AccessTokensService,
    private readonly extensions: ExtensionsService,
  ) {}

  /**
   * The password grant takes an account (AccountSid and AuthToken) or an agent's extension (its number
   * with the tenant's SIP domain, as `1001@domain` or `domain`, and the extension's password).
   */
  @Post('token')
  @HttpCode(200)
  async token(@Body() body: TokenRequestDto): Promise<PortsipTokenDto> {
    return toPortsipToken(await this.grant(body));
  }

  private async grant(body: TokenRequestDto): Promise<TokenGrant> {
    if (body.grant_type === 'refresh_token') return this.tokens.refresh(body.refresh_token!);
    const username = body.username!;
    if (sidPattern('AC').test(username)) return this.tokens.grantForPassword(username, body.password!);
    const [extensionNumber, domain = body.domain] = username.split('@', 2);
    const extension = domain && (await this.extensions.authenticate(domain, extensionNumber, body.password!));
    if (!extension)
      throw new DomainError(DomainErrorCode.AuthenticationRequired, 'The username or password is wrong');
    return this.tokens.grantFor(extension.account.sid, extension.extension.extensionNumber);
  }

  @Post('revoke')
  @HttpCode(200)
  @UseGuards(BearerTokenGuard)
  async revoke(@Req() req: BearerRequest): Promise<Record<string, never>> {
    await this.tokens.revoke(req.headers.authorization!.replace(/^Bearer\s+/, ''));
    return {};
  }
}
