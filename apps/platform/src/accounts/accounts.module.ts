import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenEntity } from './access-token.entity';
import { AccessTokensService } from './access-tokens.service';
import { AccountEntity } from './account.entity';
import { AccountLimitsService } from './account-limits.service';
import { AccountLifecycle } from './account-lifecycle';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthTokensController } from './auth-tokens.controller';
import { AuthTokenCredentialGuard, BasicAuthGuard } from './basic-auth.guard';
import { TwilioAccountsController } from './twilio-accounts.controller';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity, ApiKeyEntity, AccessTokenEntity])],
  controllers: [AccountsController, TwilioAccountsController, ApiKeysController, AuthTokensController],
  providers: [
    AccessTokensService,
    AccountsService,
    AccountLimitsService,
    ApiKeysService,
    AccountLifecycle,
    BasicAuthGuard,
    AuthTokenCredentialGuard,
  ],
  exports: [
    AccessTokensService,
    AccountsService,
    AccountLimitsService,
    ApiKeysService,
    AccountLifecycle,
    BasicAuthGuard,
  ],
})
export class AccountsModule {}
