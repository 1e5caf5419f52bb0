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
import { CreateExtensionDto } from './dto/create-extension.dto';
import { extensionsUri, toExtensionResponse, type ExtensionResponseDto } from './dto/extension-response.dto';
import { ListExtensionsQueryDto } from './dto/list-extensions-query.dto';
import { UpdateExtensionDto } from './dto/update-extension.dto';
import { ExtensionsService } from './extensions.service';

/** Twilio 2010-04-01 shape (JSON) of the Extensions resource, a Callwright addition. */
@Controller('2010-04-01/Accounts/:accountSid/Extensions')
@UseGuards(BasicAuthGuard)
@UseFilters(TwilioExceptionFilter)
export class TwilioExtensionsController {
  constructor(private readonly extensions: ExtensionsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: CreateExtensionDto,
  ): Promise<ExtensionResponseDto> {
    return toExtensionResponse(await this.extensions.create(account, body), '.json', 'twilio');
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: ListExtensionsQueryDto,
  ): Promise<TwilioPageMeta & { extensions: ExtensionResponseDto[] }> {
    const result = await this.extensions.list(account, query.Page, query.PageSize, query.ExtensionNumber);
    return {
      ...twilioPageMeta(
        extensionsUri(account.sid, 'twilio') + '.json',
        query,
        result.items.length,
        result.total,
        {
          ExtensionNumber: query.ExtensionNumber,
        },
      ),
      extensions: result.items.map((view) => toExtensionResponse(view, '.json', 'twilio')),
    };
  }

  @Get(':sid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
  ): Promise<ExtensionResponseDto> {
    return toExtensionResponse(await this.extensions.get(account, sid), '.json', 'twilio');
  }

  @Post(':sid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('sid') sid: string,
    @Body() body: UpdateExtensionDto,
  ): Promise<ExtensionResponseDto> {
    return toExtensionResponse(await this.extensions.update(account, sid, body), '.json', 'twilio');
  }

  @Delete(':sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('sid') sid: string): Promise<void> {
    await this.extensions.remove(account, sid);
  }
}
