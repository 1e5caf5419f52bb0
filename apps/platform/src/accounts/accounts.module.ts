import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEntity } from './account.entity';
import { AccountsService } from './accounts.service';
import { BasicAuthGuard } from './basic-auth.guard';

@Module({
  imports: [TypeOrmModule.forFeature([AccountEntity])],
  providers: [AccountsService, BasicAuthGuard],
  exports: [AccountsService, BasicAuthGuard],
})
export class AccountsModule {}
