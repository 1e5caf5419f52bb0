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
import type { AccountEntity } from '../../accounts/account.entity';
import { BasicAuthGuard } from '../../accounts/basic-auth.guard';
import { CurrentAccount } from '../../accounts/current-account.decorator';
import { TwilioExceptionFilter } from '../../common/twilio-exception.filter';
import { twilioPageMeta, type TwilioPageMeta } from '../../common/twilio-page';
import { CreateIncomingNumberDto } from '../dto/create-incoming-number.dto';
import { ListIncomingNumbersQueryDto } from '../dto/list-incoming-numbers-query.dto';
import { UpdateIncomingNumberDto } from '../dto/update-incoming-number.dto';
import { IncomingNumbersService } from '../incoming-numbers.service';
import {
  toTwilioIncomingNumberResponse,
  twilioIncomingNumbersUri,
  type TwilioIncomingNumberResponseDto,
} from './twilio-incoming-number-response.dto';

/**
 * Twilio 2010-04-01 IncomingPhoneNumbers, JSON only: the same numbers, parameters and rules as the
 * RestComm resource (IncomingNumbersService), in Twilio's shape and paging.
 */
@Controller('2010-04-01/Accounts/:accountSid/IncomingPhoneNumbers')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioIncomingNumbersController {
  constructor(private readonly numbers: IncomingNumbersService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateIncomingNumberDto,
  ): Promise<TwilioIncomingNumberResponseDto> {
    return toTwilioIncomingNumberResponse(await this.numbers.create(account, body));
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListIncomingNumbersQueryDto,
  ): Promise<TwilioPageMeta & { incoming_phone_numbers: TwilioIncomingNumberResponseDto[] }> {
    const result = await this.numbers.list(account, query.Page, query.PageSize, {
      phoneNumber: query.PhoneNumber,
      friendlyName: query.FriendlyName,
    });
    const meta = twilioPageMeta(
      twilioIncomingNumbersUri(account.sid) + '.json',
      query,
      result.items.length,
      result.total,
      { PhoneNumber: query.PhoneNumber, FriendlyName: query.FriendlyName },
    );
    return { ...meta, incoming_phone_numbers: result.items.map(toTwilioIncomingNumberResponse) };
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
  ): Promise<TwilioIncomingNumberResponseDto> {
    return toTwilioIncomingNumberResponse(await this.numbers.get(account, sid));
  }

  /** Only the parameters sent change; an empty URL clears it. */
  @Post(':sid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateIncomingNumberDto,
  ): Promise<TwilioIncomingNumberResponseDto> {
    return toTwilioIncomingNumberResponse(await this.numbers.update(account, sid, body));
  }

  @Delete(':sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string): Promise<void> {
    await this.numbers.remove(account, sid);
  }
}
