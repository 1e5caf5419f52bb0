import { PlatformMetrics } from '../metrics/platform-metrics';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CallRecovery } from './call-recovery';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import { Transfers } from '../call-control/conversations/transfers';
import { CallEventBus } from '../call-control/events/call-event-bus';
import { LegPlacer, PlacedLeg, PlaceLegRequest } from '../call-control/ports/leg-placer.port';
import { accountLoadSource } from './limits/account-load-source';
import { InboundAdmission } from './limits/inbound-admission';
import { MediaStreamsService } from '../media-streams/media-streams.service';
import { LegFactory } from './leg-factory';
import { LiveLegs } from './live-legs';
import { InboundRoute, InboundRouter } from '../call-control/inbound/inbound-router.port';
import { connectInbound, type ConnectTarget } from '../call-control/inbound/inbound-connection';
import { NotificationsService } from '../notifications/notifications.service';
import { RcmlApplicationService } from '../rcml/rcml-application.service';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { CallEntity } from '../call-control/legs/call.entity';
import { AccountsService } from '../accounts/accounts.service';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { PlayMediaService } from '../media/play-media.service';
import { SpeechCacheService } from '../media/speech-cache.service';
import { RecordingsService } from '../recordings/recordings.service';
import { ChannelEvent, DialTarget, IncomingChannel } from '../telephony/telephony-gateway.port';
import { ConferenceRoomsService } from '../dial/conference-rooms.service';
import { QueueCallsService } from '../dial/queue-calls.service';
import { DialOperation, LegLauncher } from '../dial/dial-operation';
import type { ConferenceRequest, DialRequest, DialResult, DialTargetSpec } from '../rcml/verbs/verb';
import { ClientDirectory } from '../call-control/ports/client-directory.port';
import type { LegObserver } from '../call-control/legs/call-leg';
import { CallRecords } from '../call-control/legs/call-records';
import { CallDirection, CallStatus } from '../call-control/legs/call-status';
import type { CallModification } from '../rcml/live-modification';
import { CallConnector, RcmlProgram } from '../rcml/rcml-program';
import type { RecordingSink } from '../call-control/ports/media-sources.port';
import { ProgressCallbacks } from './progress-callbacks';
import { RESTCOMM_API_VERSION } from './dto/call-response.dto';
import { AccountLimitsService } from '../accounts/account-limits.service';
import { AppConfig } from '../config/app-config';
import { API_CALL_HOPS, dialLegHops } from './limits/hop-policy';
import type { DialingOptions } from './outbound-call-request';
import { OutboundCalls, type OutboundReservation, type QueuedOutbound } from './outbound-calls';
import { WholeCallRecorder } from './whole-call-recorder';
import { SHARED_ACCOUNT_LOAD, type SharedAccountLoad } from '../cluster/shared-account-load.port';

const SIP_TEMPORARILY_UNAVAILABLE = 480;
export type { OutboundReservation };
/** How long a shutdown waits for the final status callbacks of the calls it ended. */
const FINAL_CALLBACK_WAIT_MS = 5000;

/** How a leg's target shows in its record's To. */
function describeTarget(target: DialTarget): string {
  if (target.kind === 'sip') return target.uri;
  if (target.kind === 'number') return target.number;
  return target.dialString;
}

const ASTERISK_DOWN = 'Asterisk is not connected; no call can be placed now. Try again later';
const SHUTDOWN_NOTICE = 'The platform shut down before this queued call was dialed';

/**
 * The calls this node runs, from origination (or arrival) to final status: the outbound queue, inbound
 * adoption, Dial legs, and the legs the core places for transfers (LegPlacer). Each leg's channel events
 * that are not its own reach the core's transfers and conversations.
 */
@Injectable()
export class LiveCallsService
  extends LegPlacer
  implements OnApplicationBootstrap, BeforeApplicationShutdown, CallConnector, LegLauncher
{
  private readonly logger = new Logger(LiveCallsService.name);
  /** Live sessions per account: what the concurrency limit counts. */
  private readonly activeByAccount = new Map<string, number>();
  private readonly admission: InboundAdmission;
  private readonly outbound: OutboundCalls;
  private readonly legs: LegFactory;
  private readonly recordings: RecordingSink;
  private readonly recovery: CallRecovery;

  constructor(
    private readonly live: LiveLegs,
    private readonly events: CallEventBus,
    private readonly conversations: ConversationRegistry,
    private readonly moduleRef: ModuleRef,
    private readonly records: CallRecords,
    private readonly gateway: TelephonyGateway,
    rcml: RcmlApplicationService,
    private readonly notifications: NotificationsService,
    webhooks: WebhookClient,
    speech: SpeechCacheService,
    recordings: RecordingsService,
    private readonly accounts: AccountsService,
    private readonly router: InboundRouter,
    private readonly clients: ClientDirectory,
    private readonly conferences: ConferenceRoomsService,
    media: PlayMediaService,
    streams: MediaStreamsService,
    private readonly limits: AccountLimitsService,
    private readonly config: AppConfig,
    metrics: PlatformMetrics,
    queues: QueueCallsService,
    @Optional() @Inject(SHARED_ACCOUNT_LOAD) private readonly share: SharedAccountLoad | null = null,
  ) {
    super();
    this.recordings = recordings;
    this.legs = new LegFactory(
      { gateway, records, notifications, events },
      { gateway, connector: this, queues, rcml, speech, media, recordings, streams },
      new ProgressCallbacks(events, webhooks, notifications),
      { conversations, gateway, transfers: () => moduleRef.get(Transfers, { strict: false }) as Transfers },
    );
    this.admission = new InboundAdmission(
      limits,
      config,
      (accountSid) => this.activeCalls(accountSid) + (share?.elsewhere(accountSid).live ?? 0),
    );
    gateway.onIncomingChannel((channel) => this.acceptIncoming(channel));
    this.outbound = new OutboundCalls({
      records,
      legs: this.legs,
      clients,
      limits,
      recorder: new WholeCallRecorder({ gateway, recordings, webhooks, notifications }),
      activeCalls: (accountSid) => this.activeCalls(accountSid),
      track: (program) => this.track(program),
      share,
    });
    metrics.countQueuedWith(() => this.outbound.waitingByAccount());
    this.recovery = new CallRecovery(
      records,
      gateway,
      {
        owns: (sid) => this.live.has(sid) || this.outbound.isWaiting(sid),
        sessionFor: (call, options) => this.sessionFor(call, options),
        liveCallSids: () => this.live.sids(),
        queuedOnLiveNode: async ({ queuedBy }) =>
          // Unsure is alive: a queued call closed by mistake is lost, one left waiting is closed later.
          queuedBy !== null && share !== null && (await share.nodeAlive(queuedBy).catch(() => true)),
      },
      { conversations, events },
    );
  }

  /** Calls a previous process left live are re-adopted or closed once Asterisk can be asked. */
  onApplicationBootstrap(): void {
    this.recovery.start();
    this.share
      ?.attach(accountLoadSource(this, this.activeByAccount, this.outbound, this.limits))
      .catch((error) => this.logger.warn(`Sharing account limits with the other nodes failed: ${error}`));
  }

  /** Settles once the calls a previous process left live have been re-adopted or closed. */
  recovered(): Promise<void> {
    return this.recovery.recovered;
  }

  /**
   * Queued calls that were never dialed end `failed` with a notification (and their status
   * callback). Live calls stay up for the next process, or with DRAIN_ON_STOP are given
   * DRAIN_TIMEOUT_S to end (new calls are refused meanwhile) and the rest are hung up.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const waiting = this.outbound.shutdown();
    await Promise.all(waiting.map((queued) => this.outbound.end(queued, 'error', SHUTDOWN_NOTICE)));
    this.admission.draining = this.config.drainOnStop;
    await this.recovery.stop(() => this.live.all(), this.config);
    this.live.clear();
    // The webhook client closes after this: the final callbacks of the calls hung up here go out first.
    await this.legs.progress.flush(FINAL_CALLBACK_WAIT_MS);
    await this.share?.stop();
  }

  private async sessionFor(call: CallEntity, options: { leg: boolean; tracked: boolean }) {
    const account = await this.accounts.findBySid(call.accountSid);
    if (!account) return null;
    const hops = options.leg ? dialLegHops(API_CALL_HOPS) : API_CALL_HOPS;
    const program = this.legs.program(call, account.authToken, { hops }, options.leg ? {} : null);
    if (options.tracked) this.track(program);
    return program;
  }

  /**
   * A place in the account's outbound queue, taken before the call is stored. Nothing is stored past
   * `max_queued_calls` (20429), nor while Asterisk is disconnected (20500; see README, Asterisk outages).
   */
  async reserveOutbound(accountSid: string): Promise<OutboundReservation> {
    if (!this.gateway.isConnected())
      throw new DomainError(DomainErrorCode.TelephonyUnavailable, ASTERISK_DOWN);
    return this.outbound.reserve(accountSid);
  }

  /** The stored call waits in `queued` until the account's pace and concurrency let it be dialed. */
  queueOutbound(
    reservation: OutboundReservation,
    call: CallEntity,
    signingKey: string,
    dialing: DialingOptions = {},
  ): void {
    const queued: QueuedOutbound = { sid: call.sid, accountSid: call.accountSid, call, signingKey, dialing };
    if (!this.outbound.queue(reservation, queued)) void this.outbound.end(queued, 'error', SHUTDOWN_NOTICE);
  }

  /** This process among the nodes (what a queued call's record names); null with one node. */
  get nodeId(): string | null {
    return this.share?.node ?? null;
  }

  isQueued(callSid: string): boolean {
    return this.outbound.isWaiting(callSid);
  }

  /** Live modification of a call still waiting to be dialed (see OutboundCalls.modify). */
  modifyQueued(callSid: string, change: CallModification): Promise<boolean> {
    return this.outbound.modify(callSid, change);
  }

  /**
   * Events of the new channel are buffered from the first moment, while the number is looked up,
   * and handed to the call session that takes the channel over.
   */
  private acceptIncoming(channel: IncomingChannel): void {
    const earlier: ChannelEvent[] = [];
    const buffering = this.gateway.watchChannel(channel.channelId, (event) => earlier.push(event));
    void this.routeIncoming(channel, earlier)
      .then((routed) => {
        if (!routed) return buffering.stop();
        routed.program.leg.adoptInbound(earlier.splice(0));
        if (routed.connect) void this.connect(routed.program, routed.connect);
      })
      .catch(async (error) => {
        buffering.stop();
        this.logger.error(
          `Inbound call ${channel.channelId} failed: ${error instanceof Error ? error.stack : error}`,
        );
        await this.gateway.hangup(channel.channelId, 'failure');
      });
  }

  /** A route that connects rather than runs RCML: the caller's leg runs no document meanwhile. */
  private async connect(caller: RcmlProgram, target: ConnectTarget): Promise<void> {
    const deps = { placer: this, hangup: this.live, conversations: this.conversations };
    await connectInbound(caller.leg, target, deps).catch((error) =>
      this.logger.error(`Connecting ${caller.leg.snapshot.sid} failed: ${error}`),
    );
  }

  private async routeIncoming(
    channel: IncomingChannel,
    earlier: ChannelEvent[],
  ): Promise<{ program: RcmlProgram; connect: ConnectTarget | null } | null> {
    const route = await this.router.route(channel);
    const refusal = route.kind === 'refuse' ? route : await this.admission.admit(channel, route.accountSid);
    if (refusal) {
      await this.gateway
        .reject(channel.channelId, refusal.sipCode)
        .catch(() => this.gateway.hangup(channel.channelId, refusal.hangupReason));
      await this.notifications.record(refusal.notification);
      return null;
    }
    const accepted = route as Exclude<InboundRoute, { kind: 'refuse' }>;
    try {
      const program = await this.adoptIncoming(channel, earlier, accepted);
      return { program, connect: accepted.kind === 'connect' ? accepted.connect : null };
    } finally {
      this.admission.release(accepted.accountSid);
    }
  }

  private async adoptIncoming(
    channel: IncomingChannel,
    earlier: ChannelEvent[],
    route: Exclude<InboundRoute, { kind: 'refuse' }>,
  ): Promise<RcmlProgram> {
    if (earlier.some((event) => event.kind === 'hangup'))
      this.logger.debug(`Caller hung up before ${channel.to} was routed`);
    const call = await this.records.create({
      ...route.fields,
      accountSid: route.accountSid,
      to: channel.to,
      from: channel.from,
      callerName: channel.callerName,
      direction: CallDirection.Inbound,
      apiVersion: (route.kind === 'accept' && route.apiVersion) || RESTCOMM_API_VERSION,
      channelId: channel.channelId,
      asteriskServer: this.gateway.serverOf(channel.channelId),
      sipCallId: channel.sipCallId,
      startTime: new Date(),
    });
    const program = this.legs.program(call, route.signingKey, { hops: channel.hops });
    this.track(program);
    return program;
  }

  /** Live calls of one account (Dial legs included: they carry their caller's account). */
  liveSessionsOf(accountSid: string): RcmlProgram[] {
    return this.live.all().filter((program) => program.leg.accountSid === accountSid);
  }

  dial(caller: RcmlProgram, request: DialRequest, document: AbortSignal): Promise<DialResult> {
    return new DialOperation(caller, request, document, this, this.gateway, this.recordings, {
      conversations: this.conversations,
      events: this.events,
    }).run();
  }

  joinConference(
    caller: RcmlProgram,
    request: ConferenceRequest,
    document: AbortSignal,
  ): Promise<DialResult> {
    return this.conferences.join(caller, request, document);
  }

  /** A Dial leg is a call record of its own (outbound-dial, ParentCallSid set) with its own session. */
  async launchLeg(
    caller: RcmlProgram,
    spec: DialTargetSpec,
    request: DialRequest,
    observer: LegObserver,
  ): Promise<RcmlProgram> {
    const parent = caller.leg.snapshot;
    const noun = spec.target;
    const call = await this.records.create({
      accountSid: parent.accountSid,
      parentCallSid: parent.sid,
      to: noun.noun === 'Sip' ? noun.uri : noun.noun === 'Number' ? noun.number : `client:${noun.login}`,
      from: request.callerId ?? parent.from,
      direction: CallDirection.OutboundDial,
      apiVersion: parent.apiVersion,
      url: null,
      statusCallback: spec.progress?.url ?? null,
      statusCallbackMethod: spec.progress?.method ?? 'POST',
      statusCallbackEvent: spec.progress?.events.join(' ') ?? null,
      timeout: request.timeoutSeconds,
    });
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
    const hops = dialLegHops(caller.leg.hops);
    const headers = noun.noun === 'Sip' ? noun.headers : undefined;
    const program = this.legs.program(call, caller.signingKey, { hops, target, headers }, observer);
    this.track(program);
    const { leg } = program;
    if (unreachable) void leg.endBeforeDialing('error', SIP_TEMPORARILY_UNAVAILABLE, unreachable);
    else void leg.start().catch((error) => this.logger.error(`Starting leg ${call.sid} failed: ${error}`));
    return program;
  }

  private track(program: RcmlProgram): void {
    const { leg } = program;
    const accountSid = leg.accountSid;
    this.live.add(program);
    this.activeByAccount.set(accountSid, (this.activeByAccount.get(accountSid) ?? 0) + 1);
    this.share?.touched(accountSid);
    void leg.finished.then(() => {
      this.live.remove(leg.sid);
      const left = (this.activeByAccount.get(accountSid) ?? 0) - 1;
      if (left > 0) this.activeByAccount.set(accountSid, left);
      else this.activeByAccount.delete(accountSid);
      this.share?.touched(accountSid);
      this.outbound.wake(accountSid);
    });
  }

  /** Live calls of the account on this node (inbound, outbound and Dial legs; not the queued ones). */
  activeCalls(accountSid: string): number {
    return (this.activeByAccount.get(accountSid) ?? 0) + this.admission.reservedFor(accountSid);
  }

  /**
   * A leg the core places: for a transfer or a connected call, a Dial-like leg of `forCallSid`
   * (ParentCallSid, its account, its signing key) that runs no RCML unless redirected; without
   * `forCallSid`, the first leg of a call the platform sets up itself (outbound-api, signed with the
   * account's key).
   */
  async placeLeg(request: PlaceLegRequest): Promise<PlacedLeg> {
    const parent = request.forCallSid === null ? null : this.live.get(request.forCallSid);
    if (request.forCallSid !== null && !parent)
      throw new DomainError(DomainErrorCode.CallNotInProgress, `Call ${request.forCallSid} is not live`);
    if (!this.gateway.isConnected())
      throw new DomainError(DomainErrorCode.TelephonyUnavailable, ASTERISK_DOWN);
    const signingKey = parent?.signingKey ?? (await this.accounts.findBySid(request.accountSid))?.authToken;
    if (!signingKey)
      throw new DomainError(DomainErrorCode.NotFound, `Account ${request.accountSid} was not found`);
    const call = await this.records.create({
      accountSid: request.accountSid,
      parentCallSid: request.forCallSid,
      to: request.to ?? describeTarget(request.target),
      from: request.callerId,
      callerName: request.callerName ?? null,
      userData: request.userData ?? null,
      subject: request.subject ?? null,
      direction: parent ? CallDirection.OutboundDial : CallDirection.OutboundApi,
      apiVersion: parent?.leg.snapshot.apiVersion ?? RESTCOMM_API_VERSION,
      url: null,
      timeout: request.timeoutSeconds,
    });
    let answered!: (yes: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (answered = resolve));
    const hops = parent ? dialLegHops(parent.leg.hops) : API_CALL_HOPS;
    const options = {
      hops,
      target: request.target,
      headers: request.subject ? { ...request.headers, Subject: request.subject } : request.headers,
      callerName: request.callerName,
      followRedirects: request.followRedirects,
      traceSetupResponses: request.traceSetupResponses,
    };
    const program = this.legs.program(call, signingKey, options, {
      answered: () => answered(true),
      ended: () => answered(false),
    });
    this.track(program);
    void program.leg.start().catch((error) => this.logger.error(`Starting leg ${call.sid} failed: ${error}`));
    return {
      member: program.leg,
      answered: outcome,
      status: () => program.leg.snapshot.status as CallStatus,
    };
  }

  liveSession(callSid: string): RcmlProgram | undefined {
    return this.live.get(callSid);
  }
}
