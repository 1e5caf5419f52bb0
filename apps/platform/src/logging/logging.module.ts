import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { pinoOptions } from './pino-options';

/** The process's logger (main.ts makes it Nest's) and the per-request HTTP log line. */
@Module({
  imports: [LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: pinoOptions })],
})
export class LoggingModule {}
