import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ApplicationsModule } from '../applications/applications.module';
import { IncomingNumberEntity } from './incoming-number.entity';
import { IncomingNumbersController } from './incoming-numbers.controller';
import { IncomingNumbersService } from './incoming-numbers.service';
import { TwilioIncomingNumbersController } from './twilio/twilio-incoming-numbers.controller';

@Module({
  imports: [TypeOrmModule.forFeature([IncomingNumberEntity]), AccountsModule, ApplicationsModule],
  controllers: [IncomingNumbersController, TwilioIncomingNumbersController],
  providers: [IncomingNumbersService],
  exports: [IncomingNumbersService],
})
export class IncomingNumbersModule {}
