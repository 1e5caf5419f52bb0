import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallEntity } from '../call-control/legs/call.entity';
import { OtherNodesAnswers } from './other-nodes-answers';
import { OwnerForwarding } from './owner-forwarding';
import { SessionRoutes } from './session-routes';

/** Several platform nodes on one PostgreSQL: requests about another node's calls go to that node. */
@Module({
  imports: [TypeOrmModule.forFeature([CallEntity])],
  providers: [OwnerForwarding, SessionRoutes, OtherNodesAnswers],
  exports: [OwnerForwarding, SessionRoutes, OtherNodesAnswers],
})
export class ClusterModule {}
