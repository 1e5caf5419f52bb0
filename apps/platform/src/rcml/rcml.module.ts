import { Module } from '@nestjs/common';
import { RcmlApplicationService } from './rcml-application.service';

@Module({ providers: [RcmlApplicationService], exports: [RcmlApplicationService] })
export class RcmlModule {}
