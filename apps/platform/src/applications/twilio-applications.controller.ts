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
import { TwilioExceptionFilter } from '../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../common/twilio-page';
import { ApplicationsService } from './applications.service';
import { ApplicationParamsDto } from './dto/application-params.dto';
import {
  applicationsUri,
  toApplicationResponse,
  type ApplicationResponseDto,
} from './dto/application-response.dto';
import { ListApplicationsQueryDto } from './dto/list-applications-query.dto';

/** Twilio 2010-04-01 Applications resource (JSON; the `.json` suffix is optional). */
@Controller('2010-04-01/Accounts/:accountSid/Applications')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: ApplicationParamsDto,
  ): Promise<ApplicationResponseDto> {
    return toApplicationResponse(await this.applications.create(account, body));
  }

  /** Newest first; `FriendlyName` filters by exact name. */
  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListApplicationsQueryDto,
  ): Promise<TwilioPageMeta & { applications: ApplicationResponseDto[] }> {
    const result = await this.applications.list(account, query.Page, query.PageSize, query.FriendlyName);
    return {
      ...twilioPageMeta(applicationsUri(account.sid) + '.json', query, result.items.length, result.total, {
        FriendlyName: query.FriendlyName,
      }),
      applications: result.items.map(toApplicationResponse),
    };
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
  ): Promise<ApplicationResponseDto> {
    return toApplicationResponse(await this.applications.get(account, sid));
  }

  @Post(':sid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: ApplicationParamsDto,
  ): Promise<ApplicationResponseDto> {
    return toApplicationResponse(await this.applications.update(account, sid, body));
  }

  @Delete(':sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string): Promise<void> {
    await this.applications.remove(account, sid);
  }
}
