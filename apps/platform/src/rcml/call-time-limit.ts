import type { CallLeg } from '../call-control/legs/call-leg';

/**
 * Twilio's TimeLimit: the call is hung up (completed) that many seconds after it was answered. A new
 * limit (a live modification) counts from the same answer.
 */
export class CallTimeLimit {
  private timer: NodeJS.Timeout | null = null;
  private seconds: number | null = null;

  constructor(private readonly leg: CallLeg) {
    leg.observe({ answered: () => this.arm(), ended: () => this.clear() });
    leg.signal.addEventListener('abort', () => this.clear());
  }

  set(seconds: number): void {
    this.seconds = seconds;
    this.arm();
  }

  private arm(): void {
    this.clear();
    if (this.seconds === null || !this.leg.isAnswered() || this.leg.signal.aborted) return;
    const answeredAt = this.leg.snapshot.answerTime?.getTime() ?? Date.now();
    const left = Math.max(0, answeredAt + this.seconds * 1000 - Date.now());
    this.timer = setTimeout(() => void this.leg.hangup('platform').catch(() => undefined), left);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
