import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { ConsoleExceptionFilter } from '../console-errors';
import { StatsQueryDto } from '../dto/stats-query.dto';
import { ConsoleSessionGuard } from '../session/console-session.guard';
import { ConsoleStatsDto, ConsoleStatsService } from '../stats/console-stats.service';
import {
  ConsoleApplicationDto,
  ConsoleExtensionDto,
  ConsoleNumberDto,
  ConsoleResourcesService,
  ConsoleSubscriptionDto,
} from './console-resources.service';

const DEFAULT_HOURS = 6;

@Controller('console/api')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleResourcesController {
  constructor(
    private readonly resources: ConsoleResourcesService,
    private readonly charts: ConsoleStatsService,
  ) {}

  @Get('extensions')
  async extensions(@CurrentAccount() account: AccountEntity): Promise<{ extensions: ConsoleExtensionDto[] }> {
    return { extensions: await this.resources.extensionList(account) };
  }

  @Get('numbers')
  async numbers(@CurrentAccount() account: AccountEntity): Promise<{ numbers: ConsoleNumberDto[] }> {
    return { numbers: await this.resources.numberList(account) };
  }

  @Get('applications')
  async applications(
    @CurrentAccount() account: AccountEntity,
  ): Promise<{ applications: ConsoleApplicationDto[] }> {
    return { applications: await this.resources.applicationList(account) };
  }

  @Get('subscriptions')
  async subscriptions(
    @CurrentAccount() account: AccountEntity,
  ): Promise<{ subscriptions: ConsoleSubscriptionDto[] }> {
    return { subscriptions: await this.resources.subscriptionList(account) };
  }

  @Get('stats')
  stats(@CurrentAccount() account: AccountEntity, @Query() query: StatsQueryDto): Promise<ConsoleStatsDto> {
    return this.charts.stats(account.sid, query.hours ?? DEFAULT_HOURS);
  }
}
