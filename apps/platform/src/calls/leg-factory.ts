import { Logger } from '@nestjs/common';
import type { ConversationRegistry } from '../call-control/conversations/conversation-registry';
import type { Transfers } from '../call-control/conversations/transfers';
import type { CallEntity } from '../call-control/legs/call.entity';
import { CallLeg, CallLegDeps, CallLegOptions, LegObserver } from '../call-control/legs/call-leg';
import { RcmlProgram, RcmlProgramDeps } from '../rcml/rcml-program';
import type { ChannelEvent, TelephonyGateway } from '../telephony/telephony-gateway.port';
import type { ProgressCallbacks } from './progress-callbacks';
import type { ProgressReporter } from './progress-reporter';

/** How long a phone's REFER waits for its leg to join a conversation (see `toCore`). */
const REFER_JOIN_WAIT_MS = 3000;

/** The core services a leg's channel events go to. Transfers are looked up when first needed. */
export interface LegCore {
  conversations: ConversationRegistry;
  gateway: TelephonyGateway;
  transfers: () => Transfers;
}

/**
 * Builds the legs of this node with what each needs: its progress callbacks, its RCML program, and a
 * route for the channel events that belong to the core (bridges, a phone's hold and its REFERs).
 */
export class LegFactory {
  private readonly logger = new Logger(LegFactory.name);
  private transferService: Transfers | null = null;

  constructor(
    private readonly legDeps: CallLegDeps,
    private readonly programDeps: RcmlProgramDeps,
    readonly progress: ProgressCallbacks,
    private readonly core: LegCore,
  ) {}

  /**
   * A leg with its RCML program and progress callbacks; a Dial leg's program stays dormant until a
   * redirect gives it a document of its own.
   */
  program(
    call: CallEntity,
    signingKey: string,
    options: CallLegOptions,
    dialLeg: LegObserver | null = null,
  ): RcmlProgram {
    const leg = new CallLeg(call, this.legDeps, options);
    if (dialLeg) leg.observe(dialLeg);
    leg.observe({ channelEvent: (source, event) => this.toCore(source, event) });
    this.progress.attach(leg, signingKey);
    return new RcmlProgram(leg, signingKey, this.programDeps, dialLeg !== null);
  }

  /** A leg that runs nothing (a queued call ended before it was dialed), with its progress callbacks. */
  withoutProgram(
    call: CallEntity,
    signingKey: string,
    options: CallLegOptions,
  ): { leg: CallLeg; progress: ProgressReporter } {
    const leg = new CallLeg(call, this.legDeps, options);
    return { leg, progress: this.progress.attach(leg, signingKey) };
  }

  /**
   * A phone may REFER the moment it is answered, before its leg has joined the conversation the
   * answer was for (a Dial answers the caller, then bridges it): the REFER waits for that, briefly.
   */
  private toCore(leg: CallLeg, event: ChannelEvent): void {
    const { conversations, gateway } = this.core;
    if (event.kind !== 'transfer-requested' || conversations.conversationOf(leg.sid)) {
      this.transfers().channelEvent(leg.sid, event);
      return;
    }
    void (async () => {
      const deadline = Date.now() + REFER_JOIN_WAIT_MS;
      while (!conversations.conversationOf(leg.sid) && !leg.signal.aborted && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      if (conversations.conversationOf(leg.sid)) this.transfers().channelEvent(leg.sid, event);
      else if (!leg.signal.aborted) await gateway.reportTransferProgress(leg.channelId, 'unavailable');
    })().catch((error) => this.logger.warn(`REFER from ${leg.sid}: ${error}`));
  }

  private transfers(): Transfers {
    this.transferService ??= this.core.transfers();
    return this.transferService;
  }
}
