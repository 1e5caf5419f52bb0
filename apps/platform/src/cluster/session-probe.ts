import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Asks a node whether it holds a session; the value proves the asker can reach the database. */
export const PROBE_HEADER = 'x-callwright-session-probe';
const PROBE_TIMEOUT_MS = 2000;

export function probeToken(secret: string, session: string): string {
  return createHmac('sha256', secret).update(session).digest('hex');
}

export function isProbeToken(secret: string, session: string, token: string): boolean {
  const expected = Buffer.from(probeToken(secret, session));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The first of the nodes that says it holds the session, asked all at once (bodyless requests on the
 * same path that the node answers 204 or 404 without running the route); null when none does or none
 * answers in time.
 */
export async function nodeHolding(
  nodes: string[],
  path: string,
  headers: Record<string, string>,
): Promise<string | null> {
  if (nodes.length === 0) return null;
  return new Promise((resolve) => {
    let pending = nodes.length;
    const settle = (holder: string | null) => {
      if (holder) {
        pending = -1;
        return resolve(holder);
      }
      if (--pending === 0) resolve(null);
    };
    for (const node of nodes) {
      const target = new URL(path, node);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const probe = send(target, { method: 'GET', headers, timeout: PROBE_TIMEOUT_MS });
      probe.on('response', (answer) => {
        answer.resume();
        settle(answer.statusCode === 204 ? node : null);
      });
      probe.on('timeout', () => probe.destroy(new Error('timed out')));
      probe.on('error', () => settle(null));
      probe.end();
    }
  });
}
