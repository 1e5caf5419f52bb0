import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { AccountLimitsService } from './account-limits.service';
import { AccountsService } from './accounts.service';
import { BasicAuthGuard } from './basic-auth.guard';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity])],
  providers: [AccountsService, AccountLimitsService, BasicAuthGuard],
  exports: [AccountsService, AccountLimitsService, BasicAuthGuard],
})
export class AccountsModule {}
