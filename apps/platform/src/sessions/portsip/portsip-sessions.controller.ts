import { Controller, Get, HttpCode, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { CallControl } from '../../call-control/call-control.service';
import type { Conversation } from '../../call-control/conversations/conversation';
import { ConversationRegistry } from '../../call-control/conversations/conversation-registry';
import { LegDirectory } from '../../call-control/ports/leg-directory.port';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { BearerRequest, PortsipBearerGuard } from './portsip-bearer.guard';
import { PortsipExceptionFilter } from './portsip-exception.filter';
import { SessionDto, toSessionDto } from './session-view';

const notFound = (id: string) => new DomainError(DomainErrorCode.NotFound, `Session ${id} was not found`);

/**
 * PortSIP's sessions (`/api/sessions`): the account's conversations in the call-control core, each leg a
 * call. The facade only reads and asks the core; the core does the call control.
 */
@Controller('api/sessions')
@UseFilters(PortsipExceptionFilter)
@UseGuards(PortsipBearerGuard)
export class PortsipSessionsController {
  constructor(
    private readonly conversations: ConversationRegistry,
    private readonly legs: LegDirectory,
    private readonly control: CallControl,
  ) {}

  @Get()
  list(@Req() req: BearerRequest): { count: number; items: SessionDto[] } {
    const items = this.conversations
      .list()
      .filter((conversation) => this.belongsTo(conversation, req.bearerAccountSid!))
      .map((conversation) => this.view(conversation));
    return { count: items.length, items };
  }

  @Get(':id')
  get(@Req() req: BearerRequest, @Param('id') id: string): SessionDto {
    return this.view(this.sessionOf(req, id));
  }

  /** Ends the session: every leg in it is hung up. */
  @Post(':id/destroy')
  @HttpCode(200)
  async destroy(@Req() req: BearerRequest, @Param('id') id: string): Promise<Record<string, never>> {
    const conversation = this.sessionOf(req, id);
    await Promise.all(conversation.partyList().map((party) => this.control.hangup(party.callSid)));
    return {};
  }

  /** Another account's session is as unknown as a missing one (404, not 403). */
  private sessionOf(req: BearerRequest, id: string): Conversation {
    const conversation = this.conversations.find(id);
    if (!conversation || !this.belongsTo(conversation, req.bearerAccountSid!)) throw notFound(id);
    return conversation;
  }

  private belongsTo(conversation: Conversation, accountSid: string): boolean {
    const parties = conversation.partyList();
    return parties.length > 0 && parties.every((party) => party.accountSid === accountSid);
  }

  private view(conversation: Conversation): SessionDto {
    const parties = conversation.partyList().flatMap((party) => {
      const record = this.legs.find(party.callSid)?.snapshot;
      return record ? [{ party, record }] : [];
    });
    return toSessionDto(conversation.bridgeId, parties);
  }
}
