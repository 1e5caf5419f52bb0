import { Controller, Delete, HttpCode, HttpStatus, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { TwilioExceptionFilter } from '../common/twilio-exception.filter';
import { rfc2822 } from '../common/rfc2822';
import { AccountsService } from './accounts.service';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';

export interface SecondaryAuthTokenResponseDto {
  account_sid: string;
  date_created: string | null;
  date_updated: string | null;
  secondary_auth_token: string;
  url: string;
}

export interface AuthTokenPromotionResponseDto {
  account_sid: string;
  auth_token: string;
  date_created: string | null;
  date_updated: string | null;
  url: string;
}

/**
 * Twilio's AuthToken rotation (accounts API v1), for the account whose credentials are used:
 * create a secondary token, move clients to it, then promote it; the old primary stops working.
 */
@Controller('v1/AuthTokens')
@UseGuards(BasicAuthGuard, AuthTokenCredentialGuard)
@UseFilters(TwilioExceptionFilter)
export class AuthTokensController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('Secondary')
  @HttpCode(HttpStatus.CREATED)
  async createSecondary(@Req() req: Request): Promise<SecondaryAuthTokenResponseDto> {
    const account = await this.accounts.createSecondaryToken(req.credential!.account);
    return {
      account_sid: account.sid,
      date_created: rfc2822(account.secondaryAuthTokenCreated),
      date_updated: rfc2822(account.secondaryAuthTokenCreated),
      secondary_auth_token: account.secondaryAuthToken!,
      url: '/v1/AuthTokens/Secondary',
    };
  }

  @Delete('Secondary')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteSecondary(@Req() req: Request): Promise<void> {
    await this.accounts.deleteSecondaryToken(req.credential!.account);
  }

  @Post('Promote')
  @HttpCode(HttpStatus.OK)
  async promote(@Req() req: Request): Promise<AuthTokenPromotionResponseDto> {
    const account = await this.accounts.promoteSecondaryToken(req.credential!.account);
    return {
      account_sid: account.sid,
      auth_token: account.authToken,
      date_created: rfc2822(account.dateCreated),
      date_updated: rfc2822(account.dateUpdated),
      url: '/v1/AuthTokens',
    };
  }
}
