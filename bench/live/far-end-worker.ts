/**
 * The bench's SIP responder (sip-uas.ts) in a process of its own, forked by far-end-process.ts, so the
 * far end's CPU is read apart from the load generator's and the app server's. It tells the bench about
 * a call when its BYE arrived (the only change the rate steps wait for), with the INVITE's source.
 */
import { BenchUas, type UasCall } from './sip-uas';

export type FarEndCommand = { type: 'forget'; ids: string[] } | { type: 'stop' };

export type FarEndReport = { type: 'ready'; port: number } | { type: 'call'; call: UasCall };

async function main(): Promise<void> {
  const uas = await new BenchUas().start();
  const sent = new Set<string>();
  uas.onChange = (call) => {
    if (call.bye === undefined || sent.has(call.id)) return;
    sent.add(call.id);
    process.send?.({ type: 'call', call } satisfies FarEndReport);
  };
  process.on('message', (command: FarEndCommand) => {
    if (command.type === 'forget') {
      uas.forget(command.ids);
      for (const id of command.ids) sent.delete(id);
    } else if (command.type === 'stop') {
      void uas.stop().finally(() => process.exit(0));
    }
  });
  // The bench going away (killed) must not leave this process behind.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port: uas.port } satisfies FarEndReport);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
