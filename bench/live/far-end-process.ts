/**
 * The far end (the bench's UDP SIP responder) in its own process (far-end-worker.ts), seen from the
 * bench with the part of BenchUas the rate steps use: `calls` (filled when a BYE arrives), `uri`,
 * `forget`. It also counts answered calls by the address that sent the INVITE, so a run can tell how
 * the platform spread its calls over the Asterisk servers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FarEndCommand, FarEndReport } from './far-end-worker';
import { stopChild } from './processes';
import type { UasCall } from './sip-uas';

export class FarEndProcess {
  readonly calls = new Map<string, UasCall>();
  /** Calls that reached their BYE, by the INVITE's source (`127.0.0.1:5060`), since the start. */
  readonly bySource = new Map<string, number>();
  port = 0;
  private child!: ChildProcess;

  async start(): Promise<this> {
    this.child = fork(join(__dirname, 'far-end-worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((ok, fail) => {
      this.child.once('exit', (code) => fail(new Error(`far-end worker exited with ${code}`)));
      this.child.on('message', (report: FarEndReport) => {
        if (report.type === 'ready') {
          this.port = report.port;
          ok();
        } else {
          this.calls.set(report.call.id, report.call);
          const source = report.call.source ?? 'unknown';
          this.bySource.set(source, (this.bySource.get(source) ?? 0) + 1);
        }
      });
    });
    return this;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  uri(behaviour: string, id: string): string {
    return `sip:${behaviour}-${id}@127.0.0.1:${this.port}`;
  }

  forget(ids: Iterable<string>): void {
    const list = [...ids];
    for (const id of list) this.calls.delete(id);
    this.send({ type: 'forget', ids: list });
  }

  private send(command: FarEndCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, () => this.send({ type: 'stop' }));
  }
}
