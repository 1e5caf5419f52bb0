import { Body, Controller, Get, HttpCode, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { AttendedReferDto, CreateSessionDto, LegActionDto, ReferDto } from './dto/session-requests.dto';
import { BearerRequest, BearerTokenGuard } from '../bearer-token.guard';
import { PortsipExceptionFilter } from './portsip-exception.filter';
import { PortsipSessionsService } from './portsip-sessions.service';
import { OtherNodesAnswers } from '../../cluster/other-nodes-answers';
import { mergeSessions, type SessionDto } from './session-view';

type Empty = Record<string, never>;

/**
 * PortSIP's sessions (`/api/sessions`) for a Bearer token: the account's conversations, or with an
 * agent's token those of its extension. `{id}` 1 in a leg action means the extension's latest call.
 */
@Controller('api/sessions')
@UseFilters(PortsipExceptionFilter)
@UseGuards(BearerTokenGuard)
export class PortsipSessionsController {
  constructor(
    private readonly sessions: PortsipSessionsService,
    private readonly otherNodes: OtherNodesAnswers,
  ) {}

  /** Click-to-call: the caller's phone rings first; once it answers the callee is rung and bridged. */
  @Post()
  @HttpCode(200)
  create(@Req() req: BearerRequest, @Body() body: CreateSessionDto): Promise<{ id: string }> {
    return this.sessions.create(req.bearer!, body);
  }

  /** Every node's sessions, with several nodes (each holds the sessions of its Asterisk servers). */
  @Get()
  async list(@Req() req: BearerRequest): Promise<{ count: number; items: SessionDto[] }> {
    const [here, elsewhere] = await Promise.all([
      this.sessions.list(req.bearer!),
      this.otherNodes.gather<{ items?: SessionDto[] }>(req),
    ]);
    const items = mergeSessions(
      here,
      elsewhere.map((answer) => answer.items ?? []),
    );
    return { count: items.length, items };
  }

  @Get(':id')
  get(@Req() req: BearerRequest, @Param('id') id: string): Promise<SessionDto> {
    return this.sessions.get(req.bearer!, id);
  }

  /** Ends the session: every leg in it is hung up. */
  @Post(':id/destroy')
  @HttpCode(200)
  async destroy(@Req() req: BearerRequest, @Param('id') id: string): Promise<Empty> {
    await this.sessions.destroy(req.bearer!, id);
    return {};
  }

  @Post(':id/hold')
  @HttpCode(200)
  async hold(@Req() req: BearerRequest, @Param('id') id: string, @Body() body: LegActionDto): Promise<Empty> {
    await this.sessions.hold(req.bearer!, id, body.extension_number);
    return {};
  }

  @Post(':id/unhold')
  @HttpCode(200)
  async unhold(
    @Req() req: BearerRequest,
    @Param('id') id: string,
    @Body() body: LegActionDto,
  ): Promise<Empty> {
    await this.sessions.unhold(req.bearer!, id, body.extension_number);
    return {};
  }

  /** Blind transfer of the other party of the extension's call to `refer_to`. */
  @Post(':id/refer')
  @HttpCode(200)
  async refer(@Req() req: BearerRequest, @Param('id') id: string, @Body() body: ReferDto): Promise<Empty> {
    await this.sessions.refer(req.bearer!, id, body.extension_number, body.refer_to);
    return {};
  }

  /** Connects the other parties of two calls of the extension and drops the extension ({id} is 1). */
  @Post(':id/attended_refer')
  @HttpCode(200)
  async attendedRefer(@Req() req: BearerRequest, @Body() body: AttendedReferDto): Promise<Empty> {
    await this.sessions.attendedRefer(req.bearer!, body);
    return {};
  }
}
