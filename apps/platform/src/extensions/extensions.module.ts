import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ExtensionEntity } from './extension.entity';
import { ExtensionsController } from './extensions.controller';
import { ExtensionsService } from './extensions.service';
import { TwilioExtensionsController } from './twilio-extensions.controller';

/** SipUserDirectory and TelephonyGateway come from the global TelephonyModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ExtensionEntity]), AccountsModule],
  controllers: [ExtensionsController, TwilioExtensionsController],
  providers: [ExtensionsService],
  exports: [ExtensionsService],
})
export class ExtensionsModule {}
