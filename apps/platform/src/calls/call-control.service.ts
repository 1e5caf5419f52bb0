import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { RcmlApplicationService } from '../rcml/rcml-application.service';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { CallEntity } from './call.entity';
import { CallSession, CallSessionDeps } from './call-session';
import { CallStatus } from './call-status';

const LIVE_STATUSES = [CallStatus.Queued, CallStatus.Ringing, CallStatus.InProgress];

/** The call-control core: owns the live call sessions of this node, from origination to final status. */
@Injectable()
export class CallControlService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CallControlService.name);
  private readonly live = new Map<string, CallSession>();
  private readonly deps: CallSessionDeps;

  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    gateway: TelephonyGateway,
    rcml: RcmlApplicationService,
    private readonly notifications: NotificationsService,
    webhooks: WebhookClient,
  ) {
    this.deps = {
      gateway,
      rcml,
      notifications,
      webhooks,
      store: { update: async (sid, patch) => void (await this.calls.update({ sid }, patch)) },
    };
  }

  /** Calls a previous run left live cannot be followed any more: they are closed with a notification. */
  async onApplicationBootstrap(): Promise<void> {
    const orphans = await this.calls.find({ where: { status: In(LIVE_STATUSES) } });
    for (const call of orphans) {
      const answered = call.status === CallStatus.InProgress;
      const endTime = new Date();
      await this.calls.update(
        { sid: call.sid },
        {
          status: answered ? CallStatus.Completed : CallStatus.Failed,
          endTime,
          duration: call.answerTime ? Math.round((endTime.getTime() - call.answerTime.getTime()) / 1000) : 0,
        },
      );
      await this.notifications.record({
        accountSid: call.accountSid,
        callSid: call.sid,
        level: NotificationLevel.Error,
        code: NotificationCode.TelephonyFailure,
        message: 'The platform restarted while this call was live; its outcome after that point is unknown',
      });
    }
    if (orphans.length > 0) this.logger.warn(`Closed ${orphans.length} call(s) left live by a previous run`);
  }

  placeCall(call: CallEntity, signingKey: string): CallSession {
    const session = new CallSession(call, signingKey, this.deps);
    this.live.set(call.sid, session);
    void session.finished.then(() => this.live.delete(call.sid));
    void session.start().catch((error) => this.logger.error(`Starting ${call.sid} failed: ${error}`));
    return session;
  }

  liveSession(callSid: string): CallSession | undefined {
    return this.live.get(callSid);
  }
}
