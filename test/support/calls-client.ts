import type { RunningPlatform } from './platform';

const FINAL = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** Thin helpers over the RestComm Calls API as a client would use it. */
export class CallsClient {
  constructor(private readonly platform: RunningPlatform) {}

  path(suffix = '.json', accountSid = this.platform.accountSid): string {
    return `/restcomm/2012-04-24/Accounts/${accountSid}/Calls${suffix}`;
  }

  create(fields: Record<string, string>) {
    return this.platform
      .http()
      .post(this.path())
      .auth(this.platform.accountSid, this.platform.authToken)
      .type('form')
      .send(fields);
  }

  fetch(callSid: string) {
    return this.platform
      .http()
      .get(this.path(`/${callSid}.json`))
      .auth(this.platform.accountSid, this.platform.authToken);
  }

  async waitForStatus(
    callSid: string,
    statuses: string[] = FINAL,
    timeoutMs = 30000,
  ): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, any> = {};
    while (Date.now() < deadline) {
      last = (await this.fetch(callSid).expect(200)).body;
      if (statuses.includes(last.status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Call ${callSid} still ${last.status} after ${timeoutMs} ms`);
  }

  /** Waits until the first leg dialed by `parentSid` reaches `status`; resolves with its sid. */
  async waitForFirstChild(parentSid: string, status: string, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const list = await this.platform
        .http()
        .get(this.path(`.json?ParentCallSid=${parentSid}`))
        .auth(this.platform.accountSid, this.platform.authToken);
      const child = list.body.calls[0];
      if (child?.status === status) return child.sid as string;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`No leg of ${parentSid} reached ${status} within ${timeoutMs} ms`);
  }
}
