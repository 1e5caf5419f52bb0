import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { twilioSignature } from './twilio-signature';

export type HttpMethod = 'GET' | 'POST';

export interface WebhookRequest {
  url: string;
  method: HttpMethod;
  params: Record<string, string>;
  /** The account's AuthToken: requests are signed so app servers can verify they came from us. */
  signingKey: string;
}

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
  /** The URL that produced the body, after redirects: relative URLs in it resolve against this. */
  url: string;
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly response?: WebhookResponse,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

/** The one HTTP client for requests to app servers (RCML fetches, status callbacks). */
@Injectable()
export class WebhookClient {
  constructor(private readonly config: AppConfig) {}

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const isGet = request.method === 'GET';
    const url = isGet ? appendQuery(request.url, request.params) : request.url;
    const body = isGet ? undefined : new URLSearchParams(request.params).toString();
    const headers: Record<string, string> = {
      'User-Agent': 'Callwright/0.1',
      Accept: 'application/xml, text/xml, */*;q=0.1',
      'X-Twilio-Signature': twilioSignature(request.signingKey, url, isGet ? null : request.params),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body,
        redirect: 'follow',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : describeFetchError(error);
      throw new WebhookError(`${request.method} ${url} failed: ${reason}`);
    }
    const text = await readLimited(response, MAX_BODY_BYTES);
    const result: WebhookResponse = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text,
      url: response.url || url,
    };
    if (response.status < 200 || response.status > 299) {
      throw new WebhookError(`${request.method} ${url} returned HTTP ${response.status}`, result);
    }
    return result;
  }
}

function appendQuery(url: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  if (!query) return url;
  return url + (url.includes('?') ? '&' : '?') + query;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new WebhookError(`Response body exceeds ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
