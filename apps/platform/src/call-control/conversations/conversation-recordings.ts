import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { SerialQueue } from '../../common/serial-queue';
import { wavDurationSeconds } from '../../common/wav';
import type { ChannelEvent, ChannelWatch, TelephonyGateway } from '../../telephony/telephony-gateway.port';
import type { Conversation } from './conversation';

/** A recording of a conversation's mix, as facades show it. */
export interface ConversationRecordingView {
  id: string;
  conversationId: string;
  /** The party it was started for: the call its Recording belongs to. */
  callSid: string;
  accountSid: string;
  /** False while paused. */
  active: boolean;
}

/** What a recording left once it ended with its conversation (or was stopped). */
export interface FinishedConversationRecording extends Omit<ConversationRecordingView, 'active'> {
  /** A RIFF/WAVE file, the paused spans left out. */
  audio: Buffer;
  /** Playing time of `audio`: the time recorded, without the pauses. */
  durationSeconds: number;
}

export interface StartedConversationRecording {
  view: ConversationRecordingView;
  /** Settles once the recording is over: its audio, or null when Asterisk left none. */
  finished: Promise<FinishedConversationRecording | null>;
}

interface LiveRecording {
  view: ConversationRecordingView;
  queue: SerialQueue;
  settle: (event: { durationSeconds: number; failed: boolean } | null) => void;
}

/** How long a recording may take to report its end once its bridge is gone, before its file is fetched. */
const FINISH_GRACE_MS = 3000;

/**
 * Recordings of whole conversations (the bridge's mix) that last until the conversation ends, with
 * pause and resume: Asterisk leaves the paused spans out of the file. Each recording's end is told by
 * its bridge (RecordingFinished), or assumed a little after the conversation ended.
 */
export class ConversationRecordings {
  private readonly logger = new Logger(ConversationRecordings.name);
  private readonly live = new Map<string, LiveRecording>();
  /** One watch per bridge (the gateway keeps one listener per bridge), shared by its recordings. */
  private readonly bridgeWatches = new Map<string, ChannelWatch>();

  constructor(private readonly gateway: TelephonyGateway) {}

  async start(
    conversation: Conversation,
    callSid: string,
    accountSid: string,
  ): Promise<StartedConversationRecording> {
    const view: ConversationRecordingView = {
      id: `cw-rec-${randomUUID()}`,
      conversationId: conversation.id,
      callSid,
      accountSid,
      active: true,
    };
    let settle!: LiveRecording['settle'];
    const ended = new Promise<{ durationSeconds: number; failed: boolean } | null>((resolve) => {
      let done = false;
      settle = (event) => {
        if (done) return;
        done = true;
        resolve(event);
      };
    });
    const recording: LiveRecording = { view, queue: new SerialQueue(), settle };
    this.live.set(view.id, recording);
    this.watchBridge(conversation.id);
    try {
      await conversation.record({
        name: view.id,
        maxDurationSeconds: 0,
        maxSilenceSeconds: 0,
        beep: false,
        terminateOn: 'none',
      });
    } catch (error) {
      this.forget(view);
      throw error;
    }
    conversation.onEnded(() => {
      // The bridge's end stops its recorder; a stop is asked too in case the bridge outlived it.
      void this.gateway.stopRecording(view.id).catch(() => undefined);
      setTimeout(() => settle(null), FINISH_GRACE_MS).unref();
    });
    return { view: { ...view }, finished: ended.then((event) => this.collect(view, event)) };
  }

  /** Pauses (`active: false`) or resumes a live recording; asking for its present state changes nothing. */
  setActive(
    conversation: Conversation | undefined,
    id: string,
    active: boolean,
  ): Promise<ConversationRecordingView> {
    const recording = this.live.get(id);
    if (!recording || !conversation || conversation.id !== recording.view.conversationId)
      return Promise.reject(new DomainError(DomainErrorCode.NotFound, `Recording ${id} is not found`));
    return recording.queue.run(async () => {
      if (recording.view.active !== active) {
        await (active ? conversation.resumeRecording(id) : conversation.pauseRecording(id));
        recording.view.active = active;
      }
      return { ...recording.view };
    });
  }

  find(id: string): ConversationRecordingView | undefined {
    const view = this.live.get(id)?.view;
    return view && { ...view };
  }

  /** The live recordings of a conversation, oldest first. */
  of(conversationId: string): ConversationRecordingView[] {
    return [...this.live.values()]
      .filter(({ view }) => view.conversationId === conversationId)
      .map(({ view }) => ({ ...view }));
  }

  private watchBridge(bridgeId: string): void {
    if (this.bridgeWatches.has(bridgeId)) return;
    const listener = (event: ChannelEvent) => {
      if (event.kind !== 'recording-finished') return;
      this.live.get(event.name)?.settle({ durationSeconds: event.durationSeconds, failed: event.failed });
    };
    this.bridgeWatches.set(bridgeId, this.gateway.watchBridge(bridgeId, listener));
  }

  private async collect(
    view: ConversationRecordingView,
    event: { durationSeconds: number; failed: boolean } | null,
  ): Promise<FinishedConversationRecording | null> {
    this.forget(view);
    if (event?.failed) {
      this.logger.warn(`Recording ${view.id} of ${view.conversationId} failed`);
      return null;
    }
    try {
      const audio = await this.gateway.takeRecording(view.id);
      const durationSeconds = wavDurationSeconds(audio) ?? event?.durationSeconds ?? 0;
      const { id, conversationId, callSid, accountSid } = view;
      return { id, conversationId, callSid, accountSid, audio, durationSeconds };
    } catch (error) {
      this.logger.warn(`Recording ${view.id} of ${view.conversationId} left no file: ${String(error)}`);
      return null;
    }
  }

  private forget(view: ConversationRecordingView): void {
    this.live.delete(view.id);
    if ([...this.live.values()].some((other) => other.view.conversationId === view.conversationId)) return;
    this.bridgeWatches.get(view.conversationId)?.stop();
    this.bridgeWatches.delete(view.conversationId);
  }
}
