import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ApplicationEntity } from './application.entity';
import { ApplicationsService } from './applications.service';
import { TwilioApplicationsController } from './twilio-applications.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ApplicationEntity]), AccountsModule],
  controllers: [TwilioApplicationsController],
  providers: [ApplicationsService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
