import { Body, Controller, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { AccessTokensService, TokenGrant } from '../../accounts/access-tokens.service';
import { BearerRequest, PortsipBearerGuard } from './portsip-bearer.guard';
import { PortsipExceptionFilter } from './portsip-exception.filter';
import { TokenRequestDto } from './dto/token-request.dto';

/** PortSIP's authentication: the OAuth password grant, refresh and revoke, under `/api/login/oauth`. */
@Controller('api/login/oauth')
@UseFilters(PortsipExceptionFilter)
export class PortsipAuthController {
  constructor(private readonly tokens: AccessTokensService) {}

  @Post('token')
  @HttpCode(200)
  token(@Body() body: TokenRequestDto): Promise<TokenGrant> {
    return body.grant_type === 'password'
      ? this.tokens.grantForPassword(body.username!, body.password!)
      : this.tokens.refresh(body.refresh_token!);
  }

  @Post('revoke')
  @HttpCode(200)
  @UseGuards(PortsipBearerGuard)
  async revoke(@Req() req: BearerRequest): Promise<Record<string, never>> {
    await this.tokens.revoke(req.headers.authorization!.replace(/^Bearer\s+/, ''));
    return {};
  }
}
