import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { TokenHolder } from '../../accounts/access-tokens.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { BridgeDto, CallOutDto, PartyTargetDto, PartyUpdateDto } from './dto/telephony-requests.dto';
import { RingcentralExceptionFilter } from './ringcentral-exception.filter';
import type { RcParty, RcSession } from './telephony-session-event';
import { TelephonySessionsService } from './telephony-sessions.service';

/** The token's account, when the path names it (`~` or its own AccountSid); another is unknown. */
export function accountHolder(req: BearerRequest, accountId: string): TokenHolder {
  const holder = req.bearer!;
  if (accountId !== '~' && accountId !== holder.accountSid)
    throw new DomainError(DomainErrorCode.NotFound, `Account ${accountId} is not found`);
  return holder;
}

/**
 * RingCentral's call control under `/restapi/v1.0/account/{accountId}/telephony`: call-out, sessions and
 * their parties (a party's id is its CallSid).
 */
@Controller('restapi/v1.0/account/:accountId/telephony')
@UseFilters(RingcentralExceptionFilter)
@UseGuards(BearerTokenGuard)
export class TelephonySessionsController {
  constructor(private readonly sessions: TelephonySessionsService) {}

  @Post('call-out')
  @HttpCode(200)
  async callOut(
    @Req() req: BearerRequest,
    @Param('accountId') accountId: string,
    @Body() body: CallOutDto,
  ): Promise<{ session: RcSession }> {
    return { session: await this.sessions.callOut(accountHolder(req, accountId), body) };
  }

  @Get('sessions/:sessionId')
  get(
    @Req() req: BearerRequest,
    @Param('accountId') accountId: string,
    @Param('sessionId') id: string,
  ): Promise<RcSession> {
    return this.sessions.get(accountHolder(req, accountId), id);
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async drop(
    @Req() req: BearerRequest,
    @Param('accountId') accountId: string,
    @Param('sessionId') id: string,
  ): Promise<void> {
    await this.sessions.drop(accountHolder(req, accountId), id);
  }

  @Get('sessions/:sessionId/parties/:partyId')
  party(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<RcParty> {
    return this.sessions.party(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Patch('sessions/:sessionId/parties/:partyId')
  update(
    @Req() req: BearerRequest,
    @Param() path: PartyPath,
    @Body() body: PartyUpdateDto,
  ): Promise<RcParty> {
    return this.sessions.setMuted(
      accountHolder(req, path.accountId),
      path.sessionId,
      path.partyId,
      body.muted,
    );
  }

  @Post('sessions/:sessionId/parties/:partyId/hold')
  @HttpCode(200)
  hold(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<RcParty> {
    return this.sessions.hold(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Post('sessions/:sessionId/parties/:partyId/unhold')
  @HttpCode(200)
  unhold(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<RcParty> {
    return this.sessions.unhold(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Post('sessions/:sessionId/parties/:partyId/transfer')
  @HttpCode(200)
  transfer(
    @Req() req: BearerRequest,
    @Param() path: PartyPath,
    @Body() body: PartyTargetDto,
  ): Promise<RcParty> {
    return this.sessions.transfer(accountHolder(req, path.accountId), path.sessionId, path.partyId, body);
  }

  @Post('sessions/:sessionId/parties/:partyId/forward')
  @HttpCode(200)
  forward(
    @Req() req: BearerRequest,
    @Param() path: PartyPath,
    @Body() body: PartyTargetDto,
  ): Promise<RcParty> {
    return this.sessions.forward(accountHolder(req, path.accountId), path.sessionId, path.partyId, body);
  }

  @Post('sessions/:sessionId/parties/:partyId/answer')
  @HttpCode(200)
  answer(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<RcParty> {
    return this.sessions.answer(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Post('sessions/:sessionId/parties/:partyId/reject')
  @HttpCode(200)
  async reject(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<void> {
    await this.sessions.reject(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  /** RingCentral's ignore stops this device ringing; here, as reject for a phone being rung. */
  @Post('sessions/:sessionId/parties/:partyId/ignore')
  @HttpCode(200)
  async ignore(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<void> {
    await this.sessions.reject(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  @Post('sessions/:sessionId/parties/:partyId/bridge')
  @HttpCode(200)
  bridge(@Req() req: BearerRequest, @Param() path: PartyPath, @Body() body: BridgeDto): Promise<RcSession> {
    return this.sessions.bridge(
      accountHolder(req, path.accountId),
      path.sessionId,
      path.partyId,
      body.telephonySessionId,
      body.partyId,
    );
  }
}

interface PartyPath {
  accountId: string;
  sessionId: string;
  partyId: string;
}
