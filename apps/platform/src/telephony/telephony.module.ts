import { Global, Module } from '@nestjs/common';
import { AriSipUserDirectory } from './ari/ari-sip-user-directory';
import { AriTelephonyGateway } from './ari/ari-telephony-gateway';
import { SipUserDirectory } from './sip-user-directory.port';
import { TelephonyGateway } from './telephony-gateway.port';

@Global()
@Module({
  providers: [
    { provide: TelephonyGateway, useClass: AriTelephonyGateway },
    { provide: SipUserDirectory, useClass: AriSipUserDirectory },
  ],
  exports: [TelephonyGateway, SipUserDirectory],
})
export class TelephonyModule {}
