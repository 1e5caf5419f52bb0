import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RcmlProgram } from '../rcml/rcml-program';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { newSid } from '../common/sid';
import type { ConferenceRequest, DialResult } from '../rcml/verbs/verb';
import type { Conversation } from '../call-control/conversations/conversation';
import { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';
import { WebhookClient } from '../webhooks/webhook-client.service';
import { ConferenceStatusCallbacks, type ParticipantState } from './conference-status-callbacks';

export interface Participant {
  call: RcmlProgram;
  muted: boolean;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  joinedAt: Date;
  inBridge: boolean;
  /** On hold (Twilio's `hold`): hears hold music or `holdUrl`, and the room no longer hears it. */
  held: boolean;
  /** Stops the `holdUrl` loop of a held participant. */
  holdMusic: AbortController | null;
  leave(): void;
}

export interface ConferenceRoom {
  sid: string;
  accountSid: string;
  name: string;
  /** The room's conversation in the core, from the moment the conference starts. */
  conversation: Conversation | null;
  bridgeId: string;
  started: boolean;
  dateCreated: Date;
  participants: Map<string, Participant>;
  /** Its conference events, set by the first participant that asked for them. */
  callbacks: ConferenceStatusCallbacks | null;
  /** Why it ends, once something ended it (Twilio's ReasonConferenceEnded, CallSidEndingConference). */
  ending: { reason: string; callSid: string | null } | null;
}

const stateOf = (participant: Participant): ParticipantState => ({
  callSid: participant.call.leg.sid,
  muted: participant.muted,
  held: participant.held,
  startConferenceOnEnter: participant.startConferenceOnEnter,
  endConferenceOnExit: participant.endConferenceOnExit,
});

const BEEP = 'sound:beep';

/**
 * Live conference rooms, one per account and name, each a mixing bridge. A room exists while it
 * has participants; its state is this node's, in memory (it lives and dies with the calls in it).
 */
@Injectable()
export class ConferenceRoomsService {
  private readonly logger = new Logger(ConferenceRoomsService.name);
  private readonly rooms = new Map<string, ConferenceRoom>();

  constructor(
    private readonly gateway: TelephonyGateway,
    private readonly conversations: ConversationRegistry,
    private readonly webhooks: WebhookClient,
  ) {}

  async join(caller: RcmlProgram, request: ConferenceRequest, document: AbortSignal): Promise<DialResult> {
    const accountSid = caller.leg.snapshot.accountSid;
    const key = `${accountSid}/${request.name}`;
    let room = this.rooms.get(key);
    if (!room) {
      room = {
        sid: newSid('CF'),
        accountSid,
        name: request.name,
        conversation: null,
        bridgeId: `cw-conf-${randomUUID()}`,
        started: false,
        dateCreated: new Date(),
        participants: new Map(),
        callbacks: null,
        ending: null,
      };
      this.rooms.set(key, room);
    }
    if (room.participants.size >= request.maxParticipants) {
      return { status: 'failed', callSid: null, durationSeconds: 0, sip: null, callerGone: false };
    }
    let leave!: () => void;
    const left = new Promise<void>((resolve) => (leave = resolve));
    const participant: Participant = {
      call: caller,
      muted: request.muted,
      startConferenceOnEnter: request.startConferenceOnEnter,
      endConferenceOnExit: request.endConferenceOnExit,
      joinedAt: new Date(),
      inBridge: false,
      held: false,
      holdMusic: null,
      leave,
    };
    room.participants.set(caller.leg.sid, participant);
    if (!room.callbacks && request.statusCallback)
      room.callbacks = new ConferenceStatusCallbacks(
        this.webhooks,
        request.statusCallback,
        {
          signingKey: caller.signingKey,
          notify: (code, message, level) => caller.leg.notify(code, message, level),
        },
        room,
      );
    room.callbacks?.emit('participant-join', stateOf(participant));
    document.addEventListener('abort', leave);
    const timeLimit = setTimeout(leave, request.timeLimitSeconds * 1000);
    timeLimit.unref();
    const stopStar = request.hangupOnStar
      ? caller.leg.media.onDigit((digit) => digit === '*' && leave())
      : () => undefined;
    const waitMusic = new AbortController();
    try {
      if (request.startConferenceOnEnter && !room.started) await this.start(room, request);
      else if (room.started) await this.enter(room, participant, request);
      else await this.wait(participant, request.waitUrl, waitMusic.signal);
      await left;
    } finally {
      clearTimeout(timeLimit);
      stopStar();
      waitMusic.abort();
      document.removeEventListener('abort', leave);
      await this.exit(room, participant, request);
    }
    return {
      status: 'completed',
      callSid: null,
      durationSeconds: Math.round((Date.now() - participant.joinedAt.getTime()) / 1000),
      sip: null,
      callerGone: document.aborted,
    };
  }

  list(accountSid: string): ConferenceRoom[] {
    return [...this.rooms.values()].filter((room) => room.accountSid === accountSid);
  }

  get(accountSid: string, sid: string): ConferenceRoom {
    const room = this.list(accountSid).find((candidate) => candidate.sid === sid);
    if (!room)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Conference ${sid} was not found`,
      );
    return room;
  }

  participant(accountSid: string, sid: string, callSid: string): Participant {
    const participant = this.get(accountSid, sid).participants.get(callSid);
    if (!participant)
      throw new DomainError(
        DomainErrorCode.NotFound,
        `The requested resource Participant ${callSid} was not found`,
      );
    return participant;
  }

  async setMuted(accountSid: string, sid: string, callSid: string, muted: boolean): Promise<Participant> {
    const participant = this.participant(accountSid, sid, callSid);
    const { conversation } = this.get(accountSid, sid);
    // A participant still waiting is muted when it enters.
    if (participant.inBridge && conversation)
      await (muted ? conversation.mute(callSid) : conversation.unmute(callSid));
    const changed = participant.muted !== muted;
    participant.muted = muted;
    if (changed)
      this.get(accountSid, sid).callbacks?.emit(
        muted ? 'participant-mute' : 'participant-unmute',
        stateOf(participant),
      );
    return participant;
  }

  /**
   * Holds or resumes a participant in the room. Held, it hears `holdUrl` (fetched by the platform
   * like <Play>, played in a loop) or Asterisk's music on hold, and the others no longer hear it.
   */
  async setHold(
    accountSid: string,
    sid: string,
    callSid: string,
    hold: boolean,
    holdUrl: string | null = null,
  ): Promise<Participant> {
    const participant = this.participant(accountSid, sid, callSid);
    const { conversation } = this.get(accountSid, sid);
    if (!participant.inBridge || !conversation)
      throw new DomainError(
        DomainErrorCode.InvalidPartyState,
        `Participant ${callSid} is waiting for the conference to start and cannot be held or resumed`,
      );
    participant.holdMusic?.abort();
    participant.holdMusic = null;
    const { callbacks } = this.get(accountSid, sid);
    if (!hold) {
      if (participant.held) {
        await conversation.unhold(callSid);
        participant.held = false;
        callbacks?.emit('participant-unhold', stateOf(participant));
      }
      return participant;
    }
    if (!participant.held) {
      await conversation.hold(callSid, { sipVisible: false });
      participant.held = true;
      callbacks?.emit('participant-hold', stateOf(participant));
    }
    if (holdUrl) this.playHoldMusic(participant, holdUrl);
    return participant;
  }

  /** Ends a conference (Twilio's `status=completed`): every participant's call goes on with its RCML. */
  end(accountSid: string, sid: string): ConferenceRoom {
    const room = this.get(accountSid, sid);
    room.ending ??= { reason: 'conference-ended-via-api', callSid: null };
    for (const participant of room.participants.values()) participant.leave();
    return room;
  }

  /** Plays audio (fetched by the platform like <Play>) to everyone in a started conference. */
  async announce(accountSid: string, sid: string, url: string): Promise<ConferenceRoom> {
    const room = this.get(accountSid, sid);
    const fetcher = [...room.participants.values()][0];
    if (!room.started || !fetcher)
      throw new DomainError(
        DomainErrorCode.InvalidParameter,
        `Conference ${sid} has not started: there is nobody to announce to`,
      );
    const media = await fetcher.call.remoteMedia(url);
    if (media) await this.gateway.playToBridge(room.bridgeId, this.gateway.newMediaId(), media);
    return room;
  }

  /** Takes a participant out of the room; its call goes on with the rest of its RCML. */
  remove(accountSid: string, sid: string, callSid: string): void {
    this.participant(accountSid, sid, callSid).leave();
  }

  private async start(room: ConferenceRoom, request: ConferenceRequest): Promise<void> {
    room.started = true;
    // A room waits for its participants: nobody is hung up for being alone in it.
    room.conversation = this.conversations.create({ id: room.bridgeId, endWhenAlone: false });
    await room.conversation.start();
    room.callbacks?.emit('conference-start');
    for (const participant of room.participants.values()) await this.enter(room, participant, request);
  }

  private async enter(
    room: ConferenceRoom,
    participant: Participant,
    request: ConferenceRequest,
  ): Promise<void> {
    if (participant.inBridge || participant.call.leg.signal.aborted || !room.conversation) return;
    await this.gateway.stopMusicOnHold(participant.call.leg.channelId);
    await room.conversation.join(participant.call.leg);
    participant.inBridge = true;
    if (participant.muted) await room.conversation.mute(participant.call.leg.sid);
    if (request.beep === 'true' || request.beep === 'onEnter') await this.beep(room);
  }

  private playHoldMusic(participant: Participant, holdUrl: string): void {
    const music = new AbortController();
    participant.holdMusic = music;
    void (async () => {
      const media = await participant.call.remoteMedia(holdUrl);
      while (media && !music.signal.aborted && !participant.call.leg.signal.aborted) {
        if (await participant.call.leg.media.play(media, music.signal)) return;
      }
    })().catch((error) => this.logger.warn(`Hold music for ${participant.call.leg.sid} failed: ${error}`));
  }

  private async wait(participant: Participant, waitUrl: string | null, signal: AbortSignal): Promise<void> {
    // Fetched by the platform like <Play>; hold music stands in when the file cannot be played.
    const media = waitUrl ? await participant.call.remoteMedia(waitUrl) : null;
    if (signal.aborted || participant.inBridge) return;
    if (!media) return this.gateway.startMusicOnHold(participant.call.leg.channelId);
    void (async () => {
      while (!signal.aborted && !participant.inBridge && !participant.call.leg.signal.aborted) {
        const failed = await participant.call.leg.media.play(media, signal);
        if (failed) return this.gateway.startMusicOnHold(participant.call.leg.channelId);
      }
    })().catch((error) => this.logger.warn(`Wait music for ${participant.call.leg.sid} failed: ${error}`));
  }

  private async exit(
    room: ConferenceRoom,
    participant: Participant,
    request: ConferenceRequest,
  ): Promise<void> {
    room.participants.delete(participant.call.leg.sid);
    // Told at once, so that participants leaving together are all reported before the room ends.
    room.callbacks?.emit('participant-leave', stateOf(participant));
    participant.holdMusic?.abort();
    const { leg } = participant.call;
    // A participant whose call ended has left the conversation already.
    if (participant.inBridge && !leg.signal.aborted) {
      if (participant.muted) await room.conversation?.unmute(leg.sid).catch(() => undefined);
      if (participant.held) await room.conversation?.unhold(leg.sid).catch(() => undefined);
      await room.conversation?.leave(leg.sid).catch(() => undefined);
    } else if (!participant.inBridge) await this.gateway.stopMusicOnHold(leg.channelId);
    if (participant.endConferenceOnExit) {
      room.ending ??= { reason: 'participant-with-end-conference-on-exit-left', callSid: leg.sid };
      for (const other of room.participants.values()) other.leave();
    }
    const key = `${room.accountSid}/${room.name}`;
    // Participants leaving together all find it empty: the first of them closes it.
    if (room.participants.size === 0 && this.rooms.get(key) === room) {
      this.rooms.delete(key);
      const ending = room.ending ?? { reason: 'last-participant-left', callSid: leg.sid };
      room.callbacks?.emit('conference-end', undefined, {
        ReasonConferenceEnded: ending.reason,
        ...(ending.callSid ? { CallSidEndingConference: ending.callSid } : {}),
      });
      await room.conversation?.end();
    } else if (room.started && (request.beep === 'true' || request.beep === 'onExit')) {
      await this.beep(room);
    }
  }

  private async beep(room: ConferenceRoom): Promise<void> {
    await this.gateway.playToBridge(room.bridgeId, this.gateway.newMediaId(), BEEP).catch(() => undefined);
  }
}
