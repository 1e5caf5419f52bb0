import { Injectable } from '@nestjs/common';
import type { CallLeg } from '../call-control/legs/call-leg';
import type { LegDirectory } from '../call-control/ports/leg-directory.port';
import { LegHangup } from '../call-control/ports/leg-hangup.port';
import type { HangupReason } from '../telephony/telephony-gateway.port';
import type { RcmlProgram } from '../rcml/rcml-program';

/**
 * The legs this node runs, by CallSid, each with its RCML program (dormant for legs that run none).
 * It is also how the core hangs up a leg it does not own (LegHangup): through the leg itself, so the
 * record and the final status go the usual way.
 */
@Injectable()
export class LiveLegs extends LegHangup implements LegDirectory {
  private readonly live = new Map<string, RcmlProgram>();

  add(program: RcmlProgram): void {
    this.live.set(program.leg.sid, program);
  }

  remove(callSid: string): void {
    this.live.delete(callSid);
  }

  get(callSid: string): RcmlProgram | undefined {
    return this.live.get(callSid);
  }

  find(callSid: string): CallLeg | undefined {
    return this.live.get(callSid)?.leg;
  }

  has(callSid: string): boolean {
    return this.live.has(callSid);
  }

  sids(): string[] {
    return [...this.live.keys()];
  }

  all(): RcmlProgram[] {
    return [...this.live.values()];
  }

  clear(): void {
    this.live.clear();
  }

  async hangUp(callSid: string, reason: HangupReason = 'normal'): Promise<void> {
    await this.live.get(callSid)?.leg.hangup(reason === 'no_answer' ? 'no-answer-timeout' : 'platform');
  }
}
