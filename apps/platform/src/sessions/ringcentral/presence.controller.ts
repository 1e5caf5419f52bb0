import { OtherNodesAnswers } from '../../cluster/other-nodes-answers';
import { Controller, Get, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { AccountsService } from '../../accounts/accounts.service';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ExtensionsService } from '../../extensions/extensions.service';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { RingcentralExceptionFilter, RingcentralParameterError } from './ringcentral-exception.filter';
import { accountHolder } from './telephony-sessions.controller';
import { activeCall, acrossNodes, TELEPHONY_STATUS, type PresenceAnswer } from './presence-view';
import { TelephonySessionsService } from './telephony-sessions.service';

/** An extension's presence with its active calls (`detailedTelephonyState=true`): where agents find partyIds. */
@Controller('restapi/v1.0/account/:accountId/extension/:extensionId/presence')
@UseFilters(RingcentralExceptionFilter)
@UseGuards(BearerTokenGuard)
export class PresenceController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly extensions: ExtensionsService,
    private readonly sessions: TelephonySessionsService,
    private readonly otherNodes: OtherNodesAnswers,
  ) {}

  @Get()
  async presence(
    @Req() req: BearerRequest,
    @Param('accountId') accountId: string,
    @Param('extensionId') extensionId: string,
    @Query('detailedTelephonyState') detailed?: string,
  ) {
    const holder = accountHolder(req, accountId);
    const account = (await this.accounts.findBySid(holder.accountSid))!;
    let extensionNumber: string;
    let sid: string;
    if (extensionId === '~') {
      if (holder.extensionNumber === null)
        throw new RingcentralParameterError(
          'extensionId',
          '~ names an extension only with an extension token',
        );
      const own = await this.extensions.findInTenant(account, holder.extensionNumber);
      if (!own) throw new DomainError(DomainErrorCode.NotFound, 'The extension is not found');
      ({ extensionNumber, sid } = own.extension);
    } else {
      const { extension } = await this.extensions.get(account, extensionId);
      if (holder.extensionNumber !== null && extension.extensionNumber !== holder.extensionNumber)
        throw new DomainError(DomainErrorCode.NotFound, `Extension ${extensionId} is not found`);
      ({ extensionNumber, sid } = extension);
    }
    const calls = (await this.sessions.sessionsOf(holder, extensionNumber)).flatMap((session) =>
      session.parties
        .filter((party) => party.extensionId === sid)
        .map((party) => ({
          session: session.id,
          party,
          status: TELEPHONY_STATUS[party.status.code] ?? 'NoCall',
        })),
    );
    // With several nodes, the extension's calls on the others' servers count too.
    const { telephonyStatus, activeCalls } = acrossNodes(
      calls.map(({ session, party, status }) => ({ status, call: activeCall(session, party, status) })),
      await this.otherNodes.gather<PresenceAnswer>(req),
    );
    return {
      uri: `/restapi/v1.0/account/${account.sid}/extension/${sid}/presence`,
      extension: { id: sid, uri: `/restapi/v1.0/account/${account.sid}/extension/${sid}`, extensionNumber },
      presenceStatus: telephonyStatus === 'NoCall' ? 'Available' : 'Busy',
      telephonyStatus,
      ...(detailed === 'true' ? { activeCalls } : {}),
    };
  }
}
