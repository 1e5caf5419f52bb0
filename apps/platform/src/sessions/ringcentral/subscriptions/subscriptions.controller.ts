import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { TokenHolder } from '../../../accounts/access-tokens.service';
import { BearerRequest, BearerTokenGuard } from '../../bearer-token.guard';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './dto/subscription-request.dto';
import type { SubscriptionInfo, SubscriptionList } from './dto/subscription-info';
import { SubscriptionExceptionFilter } from './subscription-exception.filter';
import { SubscriptionsService } from './subscriptions.service';

const holderOf = (req: BearerRequest): TokenHolder => req.bearer!;

/** RingCentral's Subscription API (WebHook transport, telephony session event filters). */
@Controller('restapi/v1.0/subscription')
@UseGuards(BearerTokenGuard)
@UseFilters(SubscriptionExceptionFilter)
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @HttpCode(200)
  create(@Req() req: BearerRequest, @Body() body: CreateSubscriptionDto): Promise<SubscriptionInfo> {
    return this.subscriptions.create(holderOf(req), body);
  }

  @Get()
  list(@Req() req: BearerRequest): Promise<SubscriptionList> {
    return this.subscriptions.list(holderOf(req));
  }

  @Get(':subscriptionId')
  get(@Req() req: BearerRequest, @Param('subscriptionId') id: string): Promise<SubscriptionInfo> {
    return this.subscriptions.get(holderOf(req), id);
  }

  @Put(':subscriptionId')
  update(
    @Req() req: BearerRequest,
    @Param('subscriptionId') id: string,
    @Body() body: UpdateSubscriptionDto,
  ): Promise<SubscriptionInfo> {
    return this.subscriptions.update(holderOf(req), id, body);
  }

  @Post(':subscriptionId/renew')
  @HttpCode(200)
  renew(@Req() req: BearerRequest, @Param('subscriptionId') id: string): Promise<SubscriptionInfo> {
    return this.subscriptions.renew(holderOf(req), id);
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  async remove(@Req() req: BearerRequest, @Param('subscriptionId') id: string): Promise<void> {
    await this.subscriptions.remove(holderOf(req), id);
  }
}
