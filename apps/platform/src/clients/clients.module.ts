import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { ClientDirectory } from '../call-control/ports/client-directory.port';
import { ClientEntity } from './client.entity';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';

/** SipUserDirectory and TelephonyGateway come from the global TelephonyModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), AccountsModule],
  controllers: [ClientsController],
  providers: [ClientsService, { provide: ClientDirectory, useExisting: ClientsService }],
  exports: [ClientsService, ClientDirectory],
})
export class ClientsModule {}
