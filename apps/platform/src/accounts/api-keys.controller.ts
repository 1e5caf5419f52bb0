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
import { TwilioExceptionFilter } from '../common/twilio-exception.filter';
import { PageQueryDto } from '../common/paging';
import { twilioPageMeta, type TwilioPageMeta } from '../common/twilio-page';
import type { AccountEntity } from './account.entity';
import { ApiKeysService } from './api-keys.service';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';
import { CurrentAccount } from './current-account.decorator';
import { KeyFieldsDto } from './dto/account-fields';
import {
  type ApiKeyResponseDto,
  keysUri,
  type NewApiKeyResponseDto,
  toApiKeyResponse,
} from './dto/api-key-response.dto';

/** Twilio 2010-04-01 Keys: API keys of an account. Managed with the AuthToken only, never with a key. */
@Controller('2010-04-01/Accounts/:accountSid/Keys')
@UseGuards(BasicAuthGuard, AuthTokenCredentialGuard)
@UseFilters(TwilioExceptionFilter)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async create(
    @CurrentAccount() account: AccountEntity,
    @Body() body: KeyFieldsDto,
  ): Promise<NewApiKeyResponseDto> {
    const { key, secret } = await this.keys.create(account, body.FriendlyName);
    return { ...toApiKeyResponse(key), secret };
  }

  @Get()
  async list(
    @CurrentAccount() account: AccountEntity,
    @Query() query: PageQueryDto,
  ): Promise<TwilioPageMeta & { keys: ApiKeyResponseDto[] }> {
    const result = await this.keys.list(account, query.Page, query.PageSize);
    const meta = twilioPageMeta(`${keysUri(account.sid)}.json`, query, result.items.length, result.total);
    return { ...meta, keys: result.items.map(toApiKeyResponse) };
  }

  @Get(':keySid')
  async fetch(
    @CurrentAccount() account: AccountEntity,
    @Param('keySid') sid: string,
  ): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.keys.get(account, sid));
  }

  @Post(':keySid')
  @HttpCode(HttpStatus.OK)
  async update(
    @CurrentAccount() account: AccountEntity,
    @Param('keySid') sid: string,
    @Body() body: KeyFieldsDto,
  ): Promise<ApiKeyResponseDto> {
    return toApiKeyResponse(await this.keys.update(account, sid, body.FriendlyName));
  }

  @Delete(':keySid')
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentAccount() account: AccountEntity, @Param('keySid') sid: string): Promise<void> {
    await this.keys.remove(account, sid);
  }
}
