import type { Dispatcher } from 'undici';

/** Reading app servers' responses within limits: the pieces the webhook client's requests share. */

export function header(response: Dispatcher.ResponseData, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Every header, one value each (repeated headers joined as HTTP allows). */
export function allHeaders(response: Dispatcher.ResponseData): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** undici reports destroying an unread body as an error event, which nobody is left to listen to. */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined).destroy();
}

export class BodyTooLargeError extends Error {}

export async function readBody(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  truncate: boolean,
): Promise<string> {
  return (await readBytes(body, limit, truncate)).toString('utf8');
}

/** Stops at the limit instead of buffering a huge body: the rest is never read off the socket. */
export async function readBytes(
  body: Dispatcher.ResponseData['body'],
  limit: number,
  truncate: boolean,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = limit - size;
      if (chunk.byteLength > room) {
        if (!truncate) throw new BodyTooLargeError(`response body exceeds ${limit} bytes`);
        chunks.push(chunk.subarray(0, room));
        break;
      }
      chunks.push(chunk);
      size += chunk.byteLength;
    }
  } finally {
    discard(body);
  }
  return Buffer.concat(chunks);
}
