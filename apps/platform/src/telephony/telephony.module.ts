import { Global, Module } from '@nestjs/common';
import { AriTelephonyGateway } from './ari/ari-telephony-gateway';
import { TelephonyGateway } from './telephony-gateway.port';

@Global()
@Module({
  providers: [{ provide: TelephonyGateway, useClass: AriTelephonyGateway }],
  exports: [TelephonyGateway],
})
export class TelephonyModule {}
