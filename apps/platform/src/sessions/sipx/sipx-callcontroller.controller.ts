import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { SipxDigestGuard, userPart } from './auth/sipx-digest.guard';
import { CurrentSipxCaller, SipxCaller } from './sipx-caller';
import { SipxCallControllerService } from './sipx-callcontroller.service';
import { SipxExceptionFilter } from './sipx-exception.filter';
import { parseSipxParams, sipxUser } from './sipx-params';
import { statusLinesXml } from './sipx-status-lines';

/** The sipXrest path, and the sipxconfig redirector's of sipX 4.6+. */
const PATHS = ['callcontroller', 'sipxconfig/rest/my/redirect/callcontroller'];

/**
 * sipX's call controller: POST places a call from `callingUser` to `calledUser` (or transfers the one
 * placed), GET shows the SIP responses its setup saw. HTTP Digest with the extension's PIN (or HTTPS from
 * a trusted network) authenticates (SipxDigestGuard); the caller is read through `CurrentSipxCaller`.
 */
@Controller(PATHS)
@UseFilters(SipxExceptionFilter)
@UseGuards(SipxDigestGuard)
export class SipxCallControllerController {
  constructor(private readonly controller: SipxCallControllerService) {}

  /** 200 with no body once the calling user's phones are being rung (sipX's answer). */
  @Post(':callingUser/:calledUser')
  @HttpCode(200)
  async post(
    @CurrentSipxCaller() caller: SipxCaller,
    @Param('callingUser') callingUser: string,
    @Param('calledUser') calledUser: string,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const params = parseSipxParams(query, body);
    await this.controller.post(
      caller,
      // The guard took the tenant from the calling user's domain (`1001@pbx.example.com`), when it has one.
      sipxUser(userPart(callingUser), 'callingUser'),
      sipxUser(calledUser, 'calledUser'),
      params,
    );
    res.type('text/plain');
    return '';
  }

  /** Parameters are ignored, as sipX ignores them: the pair of users names the call. */
  @Get(':callingUser/:calledUser')
  status(
    @CurrentSipxCaller() caller: SipxCaller,
    @Param('callingUser') callingUser: string,
    @Param('calledUser') calledUser: string,
    @Res({ passthrough: true }) res: Response,
  ): string {
    const calling = userPart(callingUser);
    const lines = this.controller.status(caller, calling, calledUser);
    const referred = this.controller.referSentTo(caller, calling, calledUser);
    res.type('text/xml');
    return statusLinesXml(lines, referred);
  }
}
