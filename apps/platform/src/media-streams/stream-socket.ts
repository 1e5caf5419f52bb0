import { isIP } from 'node:net';
import WebSocket from 'ws';
import type { AddressPolicy } from '../webhooks/address-policy';
import { BlockedAddressError, guardedLookup } from '../webhooks/guarded-lookup';
import { twilioSignature } from '../webhooks/twilio-signature';

export class StreamConnectError extends Error {}

/** Largest message taken from an app (a media message carries a few KB of base64 audio). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Opens the app's WebSocket the way webhooks are requested: through the address policy (literal
 * addresses checked here, host names at connect time, so DNS rebinding is refused too), no
 * redirects, and the handshake signed with X-Twilio-Signature over the URL.
 */
export function openStreamSocket(
  url: string,
  signingKey: string,
  policy: AddressPolicy,
  timeoutMs: number,
): Promise<WebSocket> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new StreamConnectError(`${url} is not a URL`));
  }
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:')
    return Promise.reject(new StreamConnectError(`${url}: only ws and wss URLs can be streamed to`));
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port) || (parsed.protocol === 'wss:' ? 443 : 80);
  const refusal = isIP(host) ? policy.refusal(host, host, port) : null;
  if (refusal) return Promise.reject(new StreamConnectError(`${url}: ${refusal}`));
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { 'X-Twilio-Signature': twilioSignature(signingKey, url, null) },
      lookup: guardedLookup(policy, port),
      handshakeTimeout: timeoutMs,
      followRedirects: false,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
    const fail = (error: Error) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      const why =
        error instanceof BlockedAddressError ? error.message : `could not connect: ${error.message}`;
      reject(new StreamConnectError(`${url}: ${why}`));
    };
    socket.once('error', fail);
    socket.once('unexpected-response', (_request, response) =>
      fail(new Error(`the server answered ${response.statusCode} instead of upgrading`)),
    );
    socket.once('open', () => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
