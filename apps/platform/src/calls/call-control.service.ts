import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { NotificationLevel } from '../notifications/notification.entity';
import { NotificationCode } from '../notifications/notification-codes';
import { NotificationsService } from '../notifications/notifications.service';
import { RcmlApplicationService } from '../rcml/rcml-application.service';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { CallEntity } from './call.entity';
import { AccountsService } from '../accounts/accounts.service';
import { newSid } from '../common/sid';
import { IncomingNumbersService } from '../incoming-numbers/incoming-numbers.service';
import { PlayMediaService } from '../media/play-media.service';
import { SpeechCacheService } from '../media/speech-cache.service';
import { RecordingsService } from '../recordings/recordings.service';
import { ChannelEvent, IncomingChannel } from '../telephony/telephony-gateway.port';
import { ConferenceRoomsService } from '../dial/conference-rooms.service';
import { DialOperation, LegLauncher } from '../dial/dial-operation';
import type { ConferenceRequest, DialRequest, DialResult, DialTargetSpec } from '../rcml/verbs/verb';
import { DialTarget } from '../telephony/telephony-gateway.port';
import { ClientDirectory } from './client-directory.port';
import { CallConnector, CallSession, CallSessionDeps, DialLegObserver } from './call-session';
import { CallDirection, CallStatus } from './call-status';
import { RESTCOMM_API_VERSION } from './dto/call-response.dto';

const SIP_NOT_FOUND = 404;
const SIP_TEMPORARILY_UNAVAILABLE = 480;

const LIVE_STATUSES = [CallStatus.Queued, CallStatus.Ringing, CallStatus.InProgress];

/** The call-control core: owns the live call sessions of this node, from origination to final status. */
@Injectable()
export class CallControlService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, CallConnector, LegLauncher
{
  private readonly logger = new Logger(CallControlService.name);
  private readonly live = new Map<string, CallSession>();
  private readonly deps: CallSessionDeps;

  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly gateway: TelephonyGateway,
    rcml: RcmlApplicationService,
    private readonly notifications: NotificationsService,
    webhooks: WebhookClient,
    speech: SpeechCacheService,
    recordings: RecordingsService,
    private readonly accounts: AccountsService,
    private readonly numbers: IncomingNumbersService,
    private readonly clients: ClientDirectory,
    private readonly conferences: ConferenceRoomsService,
    media: PlayMediaService,
  ) {
    this.deps = {
      gateway,
      connector: this,
      rcml,
      notifications,
      webhooks,
      speech,
      media,
      recordings,
      store: { update: async (sid, patch) => void (await this.calls.update({ sid }, patch)) },
    };
    gateway.onIncomingChannel((channel) => this.acceptIncoming(channel));
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

  /** Live calls are hung up on the way out; the next start closes any record this could not finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.live.values()].map((session) => session.shutdown()));
    this.live.clear();
  }

  placeCall(call: CallEntity, signingKey: string): CallSession {
    const session = new CallSession(call, signingKey, this.deps);
    this.track(session);
    void session.start().catch((error) => this.logger.error(`Starting ${call.sid} failed: ${error}`));
    return session;
  }

  /**
   * Events of the new channel are buffered from the first moment, while the number is looked up,
   * and handed to the call session that takes the channel over.
   */
  private acceptIncoming(channel: IncomingChannel): void {
    const earlier: ChannelEvent[] = [];
    const buffering = this.gateway.watchChannel(channel.channelId, (event) => earlier.push(event));
    void this.routeIncoming(channel, earlier)
      .then((session) => {
        if (session) session.adoptInbound(earlier.splice(0));
        else buffering.stop();
      })
      .catch(async (error) => {
        buffering.stop();
        this.logger.error(
          `Inbound call ${channel.channelId} failed: ${error instanceof Error ? error.stack : error}`,
        );
        await this.gateway.hangup(channel.channelId, 'failure');
      });
  }

  private async routeIncoming(
    channel: IncomingChannel,
    earlier: ChannelEvent[],
  ): Promise<CallSession | null> {
    const number = await this.numbers.findByNumber(channel.to);
    const account = number && (await this.accounts.findBySid(number.accountSid));
    if (!number || !account) {
      await this.gateway
        .reject(channel.channelId, SIP_NOT_FOUND)
        .catch(() => this.gateway.hangup(channel.channelId, 'unallocated'));
      const operator = await this.accounts.ensureBootstrapAccount();
      await this.notifications.record({
        accountSid: operator.sid,
        callSid: null,
        level: NotificationLevel.Warning,
        code: NotificationCode.UnknownNumber,
        message: `Inbound call from ${channel.from} to unknown number "${channel.to}" was rejected with ${SIP_NOT_FOUND}`,
      });
      return null;
    }
    if (earlier.some((event) => event.kind === 'hangup'))
      this.logger.debug(`Caller hung up before ${channel.to} was routed`);
    const call = await this.calls.save(
      this.calls.create({
        sid: newSid('CA'),
        accountSid: account.sid,
        parentCallSid: null,
        to: channel.to,
        from: channel.from,
        callerName: channel.callerName,
        status: CallStatus.Ringing,
        direction: CallDirection.Inbound,
        apiVersion: RESTCOMM_API_VERSION,
        phoneNumberSid: number.sid,
        url: number.voiceUrl,
        method: number.voiceMethod,
        fallbackUrl: number.voiceFallbackUrl,
        fallbackMethod: number.voiceFallbackMethod,
        statusCallback: number.statusCallback,
        statusCallbackMethod: number.statusCallbackMethod,
        channelId: channel.channelId,
        sipCallId: channel.sipCallId,
        startTime: new Date(),
        dateCreated: new Date(),
      }),
    );
    const session = new CallSession(call, account.authToken, this.deps);
    this.track(session);
    return session;
  }

  dial(caller: CallSession, request: DialRequest, document: AbortSignal): Promise<DialResult> {
    return new DialOperation(caller, request, document, this, this.gateway, this.deps.recordings).run();
  }

  joinConference(
    caller: CallSession,
    request: ConferenceRequest,
    document: AbortSignal,
  ): Promise<DialResult> {
    return this.conferences.join(caller, request, document);
  }

  /** A Dial leg is a call record of its own (outbound-dial, ParentCallSid set) with its own session. */
  async launchLeg(
    caller: CallSession,
    spec: DialTargetSpec,
    request: DialRequest,
    observer: DialLegObserver,
  ): Promise<CallSession> {
    const parent = caller.snapshot;
    const noun = spec.target;
    const call = await this.calls.save(
      this.calls.create({
        sid: newSid('CA'),
        accountSid: parent.accountSid,
        parentCallSid: parent.sid,
        to: noun.noun === 'Sip' ? noun.uri : noun.noun === 'Number' ? noun.number : `client:${noun.login}`,
        from: request.callerId ?? parent.from,
        status: CallStatus.Queued,
        direction: CallDirection.OutboundDial,
        apiVersion: RESTCOMM_API_VERSION,
        url: null,
        statusCallback: spec.progress?.url ?? null,
        statusCallbackMethod: spec.progress?.method ?? 'POST',
        timeout: request.timeoutSeconds,
        dateCreated: new Date(),
      }),
    );
    let target: DialTarget;
    let unreachable: string | null = null;
    if (noun.noun === 'Sip') {
      target = {
        kind: 'sip',
        uri: noun.uri,
        ...(noun.username ? { auth: { username: noun.username, password: noun.password! } } : {}),
      };
    } else if (noun.noun === 'Number') {
      target = { kind: 'number', number: noun.number };
    } else {
      const client = await this.clients.findDialable(parent.accountSid, noun.login);
      target = { kind: 'sip-user', dialString: client?.dialString ?? '' };
      if (!client) unreachable = `Client "${noun.login}" does not exist`;
      else if (!client.registered) unreachable = `Client "${noun.login}" is not registered`;
    }
    const session = new CallSession(call, caller.signingSecret, this.deps, {
      target,
      headers: noun.noun === 'Sip' ? noun.headers : undefined,
      progress: spec.progress,
      leg: observer,
    });
    this.track(session);
    if (unreachable) void session.failBeforeDialing(SIP_TEMPORARILY_UNAVAILABLE, unreachable);
    else
      void session.start().catch((error) => this.logger.error(`Starting leg ${call.sid} failed: ${error}`));
    return session;
  }

  private track(session: CallSession): void {
    this.live.set(session.sid, session);
    void session.finished.then(() => this.live.delete(session.sid));
  }

  liveSession(callSid: string): CallSession | undefined {
    return this.live.get(callSid);
  }
}
