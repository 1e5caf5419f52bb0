import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { AccountEntity } from '../accounts/account.entity';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { CurrentAccount } from '../accounts/current-account.decorator';
import { PageQueryDto } from '../common/paging';
import { TwilioExceptionFilter } from '../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../common/twilio-page';
import { CreateQueueDto, DequeueMemberDto, UpdateQueueDto } from './dto/queue-fields.dto';
import {
  membersUri,
  type QueueMemberResponseDto,
  type QueueResponseDto,
  queuesUri,
  toQueueMemberResponse,
  toQueueResponse,
} from './dto/queue-response.dto';
import { QueuesService } from './queues.service';

/** Twilio 2010-04-01 Queues and their Members, JSON only (`.json` is stripped by the path middleware). */
@Controller('2010-04-01/Accounts/:accountSid/Queues')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateQueueDto,
  ): Promise<QueueResponseDto> {
    return this.view(await this.queues.create(account.sid, body.FriendlyName, body.MaxSize));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: PageQueryDto,
  ): Promise<TwilioPageMeta & { queues: QueueResponseDto[] }> {
    const result = await this.queues.list(account.sid, query.Page, query.PageSize);
    const meta = twilioPageMeta(`${queuesUri(account.sid)}.json`, query, result.items.length, result.total);
    return { ...meta, queues: result.items.map((queue) => this.view(queue)) };
  }

  @Get(':queueSid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('queueSid') sid: string,
  ): Promise<QueueResponseDto> {
    return this.view(await this.queues.get(account.sid, sid));
  }

  @Post(':queueSid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('queueSid') sid: string,
    @Body() body: UpdateQueueDto,
  ): Promise<QueueResponseDto> {
    const changes = { friendlyName: body.FriendlyName, maxSize: body.MaxSize };
    return this.view(await this.queues.update(account.sid, sid, changes));
  }

  @Delete(':queueSid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('queueSid') sid: string): Promise<void> {
    await this.queues.remove(account.sid, sid);
  }

  /** Members in queue order (position 1 first); one page holds them all when PageSize allows. */
  @Get(':queueSid/Members')
  async members(
    @CurrentAccount() account: AccountEntity,
    @Param('queueSid') sid: string,
    @Query() query: PageQueryDto,
  ): Promise<TwilioPageMeta & { queue_members: QueueMemberResponseDto[] }> {
    const all = await this.queues.listMembers(account.sid, sid);
    const start = query.Page * query.PageSize;
    const page = all.slice(start, start + query.PageSize);
    const meta = twilioPageMeta(`${membersUri(account.sid, sid)}.json`, query, page.length, all.length);
    return { ...meta, queue_members: page.map((member) => toQueueMemberResponse(account.sid, member)) };
  }

  @Get(':queueSid/Members/:callSid')
  async member(
    @CurrentAccount() account: AccountEntity,
    @Param('queueSid') sid: string,
    @Param('callSid') callSid: string,
  ): Promise<QueueMemberResponseDto> {
    return toQueueMemberResponse(account.sid, await this.queues.member(account.sid, sid, callSid));
  }

  /** Dequeues the member (`Front` or its CallSid): its call leaves the queue for the document at Url. */
  @Post(':queueSid/Members/:callSid')
  @HttpCode(HttpStatus.OK)
  async dequeue(
    @CurrentAccount() account: AccountEntity,
    @Param('queueSid') sid: string,
    @Param('callSid') callSid: string,
    @Body() body: DequeueMemberDto,
  ): Promise<QueueMemberResponseDto> {
    const target = { url: body.Url, method: body.Method ?? 'POST' };
    return toQueueMemberResponse(account.sid, await this.queues.dequeue(account.sid, sid, callSid, target));
  }

  private view(queue: Parameters<typeof toQueueResponse>[0]): QueueResponseDto {
    return toQueueResponse(queue, this.queues.members.stats(queue.sid));
  }
}
