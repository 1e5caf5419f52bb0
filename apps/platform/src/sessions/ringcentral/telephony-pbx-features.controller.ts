import { Body, Controller, HttpCode, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { FlipDto, PickupDto, SuperviseDto } from './dto/telephony-pbx-requests.dto';
import { RingcentralExceptionFilter } from './ringcentral-exception.filter';
import { TelephonyPbxFeaturesService } from './telephony-pbx-features.service';
import type { RcParty } from './telephony-session-event';
import { accountHolder } from './telephony-sessions.controller';

interface SessionPath {
  accountId: string;
  sessionId: string;
}
interface PartyPath extends SessionPath {
  partyId: string;
}

/** RingCentral's park, pickup, flip and supervise, beside the other telephony session actions. */
@Controller('restapi/v1.0/account/:accountId/telephony/sessions/:sessionId')
@UseFilters(RingcentralExceptionFilter)
@UseGuards(BearerTokenGuard)
export class TelephonyPbxFeaturesController {
  constructor(private readonly features: TelephonyPbxFeaturesService) {}

  /** Answers the parked party: status `Parked`, `park.id` its place in the account's orbit. */
  @Post('parties/:partyId/park')
  @HttpCode(200)
  park(@Req() req: BearerRequest, @Param() path: PartyPath): Promise<RcParty> {
    return this.features.park(accountHolder(req, path.accountId), path.sessionId, path.partyId);
  }

  /** `partyId` is the parked party; answers it as it is while the picking phones ring. */
  @Post('parties/:partyId/pickup')
  @HttpCode(200)
  pickup(@Req() req: BearerRequest, @Param() path: PartyPath, @Body() body: PickupDto): Promise<RcParty> {
    return this.features.pickup(accountHolder(req, path.accountId), path.sessionId, path.partyId, body);
  }

  @Post('parties/:partyId/flip')
  @HttpCode(200)
  flip(@Req() req: BearerRequest, @Param() path: PartyPath, @Body() body: FlipDto): Promise<RcParty> {
    return this.features.flip(accountHolder(req, path.accountId), path.sessionId, path.partyId, body);
  }

  /** Answers the supervisor's party, in a session of its own (`telephonySessionId`). */
  @Post('supervise')
  @HttpCode(200)
  supervise(@Req() req: BearerRequest, @Param() path: SessionPath, @Body() body: SuperviseDto) {
    return this.features.supervise(accountHolder(req, path.accountId), path.sessionId, body);
  }

  /** One party's own audio (what it says), rather than the whole call. */
  @Post('parties/:partyId/supervise')
  @HttpCode(200)
  superviseParty(@Req() req: BearerRequest, @Param() path: PartyPath, @Body() body: SuperviseDto) {
    return this.features.supervise(accountHolder(req, path.accountId), path.sessionId, body, path.partyId);
  }
}
