import { Module } from '@nestjs/common';
import { HttpsListener } from './https-listener';

@Module({ providers: [HttpsListener], exports: [HttpsListener] })
export class HttpsModule {}
