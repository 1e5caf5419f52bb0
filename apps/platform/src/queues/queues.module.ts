import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { CallQueues } from '../call-control/queues/call-queues';
import { QueueEntity } from './queue.entity';
import { QueuesController } from './queues.controller';
import { QueuesService } from './queues.service';

/** The Queues resource, and the core's call queues (one instance for the whole node). */
@Module({
  imports: [TypeOrmModule.forFeature([QueueEntity]), AccountsModule],
  controllers: [QueuesController],
  providers: [CallQueues, QueuesService],
  exports: [CallQueues, QueuesService],
})
export class QueuesModule {}
