import { PlatformMetrics, type WebhookPurpose } from '../metrics/platform-metrics';
import { Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { isIP } from 'node:net';
import { Agent, Dispatcher, request as undiciRequest } from 'undici';
import { AppConfig } from '../config/app-config';
import { AddressPolicy } from './address-policy';
import { BlockedAddressError, guardedConnector } from './guarded-lookup';
import { allHeaders, BodyTooLargeError, discard, header, readBody, readBytes } from './response-body';
import { twilioSignature } from './twilio-signature';
import { type WebhookExchange, type WebhookObserver, WebhookObservers } from './webhook-observers';

export type { WebhookExchange, WebhookObserver } from './webhook-observers';

export type HttpMethod = 'GET' | 'POST';

export interface WebhookRequest {
  /** An RCML document the call runs next (the default), or a callback whose answer is ignored (metrics). */
  purpose?: 'document' | 'callback';
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
  /** The response's headers, lower-case names (set by `postJson`, whose callers read them). */
  headers?: Record<string, string>;
}

/** A JSON document pushed to a receiver (event notifications), unsigned: its headers carry what proves it. */
export interface JsonPostRequest {
  url: string;
  /** Serialized as the body; absent: an empty body. */
  json?: unknown;
  headers: Record<string, string>;
  /** Tighter than the platform's webhook timeout, for receivers held to a vendor's limit. */
  timeoutMs?: number;
  /** Tighter than the platform's response size limit: a larger response fails as 'too-large'. */
  maxBodyBytes?: number;
}

export interface MediaRequest {
  url: string;
  signingKey: string;
  /** Validators of the cached copy: the request becomes conditional. */
  etag?: string;
  lastModified?: string;
}

export interface MediaResponse {
  /** 2xx with the body, or 304 (only for a conditional request) with an empty body. */
  status: number;
  /** The URL that produced the body, after redirects. */
  url: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
  expires: string;
  date: string;
  age: string;
  etag: string;
  lastModified: string;
}

export type WebhookFailureReason =
  'network' | 'timeout' | 'http-status' | 'too-large' | 'redirects' | 'blocked-address' | 'bad-url';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  readonly reason: WebhookFailureReason;

  constructor(
    message: string,
    readonly response?: WebhookResponse,
    reason?: WebhookFailureReason,
  ) {
    super(message);
    this.reason = reason ?? (response ? 'http-status' : 'network');
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** An error response's body only feeds a notification, which keeps its first kilobyte. */
const ERROR_BODY_BYTES = 1024;

/**
 * The one HTTP client for requests to app servers (RCML fetches, status callbacks). Every hop of a redirect
 * chain is signed for its own URL, connects through the address guard when it is on, and shares one total
 * deadline that also covers reading the body.
 */
@Injectable()
export class WebhookClient implements OnModuleInit, OnApplicationShutdown {
  private readonly agent: Agent;
  readonly policy: AddressPolicy;
  private readonly observers = new WebhookObservers();

  constructor(
    private readonly config: AppConfig,
    // Absent in unit tests that build the client by hand.
    @Optional() private readonly metrics?: PlatformMetrics,
  ) {
    this.policy = new AddressPolicy(config);
    this.agent = new Agent({
      connect: guardedConnector(this.policy, { timeout: config.webhookConnectTimeoutMs }),
      // The shared deadline below is what callers rely on; these only stop undici's 300 s defaults.
      headersTimeout: config.webhookTimeoutMs,
      bodyTimeout: config.webhookTimeoutMs,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.policy.resolveServiceHosts();
  }

  /** Why a URL given to the API is refused outright (it plainly names an internal service), or null. */
  plainRefusal(url: string): string | null {
    return this.policy.plainRefusal(url);
  }

  /**
   * Last of all: calls ended on the way out (queued calls never dialed) still send their status
   * callbacks from LiveCallsService's beforeApplicationShutdown.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  /**
   * Observers hear of every request once it finished, synchronously: they must only queue the
   * exchange (a slow observer would delay the caller). Returns the function that stops observing.
   */
  observe(observer: WebhookObserver): () => void {
    return this.observers.add(observer);
  }

  send(request: WebhookRequest): Promise<WebhookResponse> {
    return this.measured(request.purpose ?? 'document', () => this.sendNow(request), {
      method: request.method,
      url: request.url,
      callSid: request.params.CallSid,
      accountSid: request.params.AccountSid,
    });
  }

  private async sendNow(request: WebhookRequest): Promise<WebhookResponse> {
    const deadline = AbortSignal.timeout(this.config.webhookTimeoutMs);
    const url = this.target(request.url, request.method, request.url);
    if (request.method === 'GET') appendQuery(url, request.params);
    const hop = await this.follow(request.method, url, request.params, request.signingKey, {}, deadline);
    return this.finish(hop.response, hop.url.href, hop.label, deadline).catch((error: unknown) => {
      throw toWebhookError(error, hop.label, deadline, this.limits());
    });
  }

  /**
   * POSTs a JSON document with the same guard and limits as any other request. Redirects are not
   * followed: a receiver of pushed events answers at the address it registered. The response's
   * headers come back (a subscription handshake reads one).
   */
  postJson(request: JsonPostRequest): Promise<WebhookResponse> {
    return this.measured('event', () => this.postJsonNow(request), { method: 'POST', url: request.url });
  }

  private async postJsonNow(request: JsonPostRequest): Promise<WebhookResponse> {
    const limits = this.limits(request.timeoutMs);
    const deadline = AbortSignal.timeout(limits.totalMs);
    const url = this.target(request.url, 'POST', request.url);
    const label = `POST ${withoutCredentials(url)}`;
    const body = request.json === undefined ? '' : JSON.stringify(request.json);
    const headers = { accept: '*/*', ...request.headers, 'content-type': 'application/json' };
    try {
      const response = await this.exchange('POST', url, body, headers, deadline);
      const maxBodyBytes = Math.min(request.maxBodyBytes ?? Infinity, this.config.webhookMaxBodyBytes);
      const result = await this.finish(response, url.href, label, deadline, maxBodyBytes);
      return { ...result, headers: allHeaders(response) };
    } catch (error) {
      throw toWebhookError(error, label, deadline, limits);
    }
  }

  private limits(timeoutMs = Infinity): Limits {
    return {
      totalMs: Math.min(timeoutMs, this.config.webhookTimeoutMs),
      connectMs: Math.min(timeoutMs, this.config.webhookConnectTimeoutMs),
    };
  }

  /**
   * GETs an audio file for `<Play>` or `waitUrl` with the same guard, signing, deadline and redirect
   * rules as any other request, and a size limit of its own (media is far larger than RCML).
   * With `etag`/`lastModified` the request is conditional and a 304 comes back without a body.
   */
  fetchMedia(request: MediaRequest): Promise<MediaResponse> {
    return this.measured('media', () => this.fetchMediaNow(request), { method: 'GET', url: request.url });
  }

  /** Times a request and counts its failure by reason and HTTP status. */
  private async measured<T extends { status: number }>(
    purpose: WebhookPurpose,
    run: () => Promise<T>,
    about: Pick<WebhookExchange, 'method' | 'url' | 'callSid' | 'accountSid'>,
  ): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      const seconds = (performance.now() - started) / 1000;
      this.metrics?.observeWebhook(purpose, seconds);
      this.observers.tell(purpose, about, seconds, result.status, null);
      return result;
    } catch (error) {
      const reason = error instanceof WebhookError ? error.reason : 'error';
      const status = error instanceof WebhookError ? error.response?.status : undefined;
      const seconds = (performance.now() - started) / 1000;
      this.metrics?.observeWebhook(purpose, seconds, { reason, status });
      this.observers.tell(purpose, about, seconds, status ?? null, reason);
      throw error;
    }
  }

  private async fetchMediaNow(request: MediaRequest): Promise<MediaResponse> {
    const deadline = AbortSignal.timeout(this.config.webhookTimeoutMs);
    const url = this.target(request.url, 'GET', request.url);
    const conditional: Record<string, string> = { accept: 'audio/*, */*;q=0.1' };
    if (request.etag) conditional['if-none-match'] = request.etag;
    if (request.lastModified) conditional['if-modified-since'] = request.lastModified;
    const hop = await this.follow('GET', url, {}, request.signingKey, conditional, deadline);
    const { response, label } = hop;
    const result: MediaResponse = {
      status: response.statusCode,
      url: hop.url.href,
      body: Buffer.alloc(0),
      contentType: header(response, 'content-type'),
      cacheControl: header(response, 'cache-control'),
      expires: header(response, 'expires'),
      date: header(response, 'date'),
      age: header(response, 'age'),
      etag: header(response, 'etag'),
      lastModified: header(response, 'last-modified'),
    };
    if (response.statusCode === 304 && (request.etag || request.lastModified)) {
      discard(response.body);
      return result;
    }
    const limit = this.config.mediaMaxBytes;
    const ok = response.statusCode >= 200 && response.statusCode <= 299;
    try {
      if (!ok) {
        const body = await readBytes(response.body, ERROR_BODY_BYTES, true).catch(() => Buffer.alloc(0));
        throw new WebhookError(
          `${label} returned HTTP ${response.statusCode}`,
          {
            status: response.statusCode,
            contentType: result.contentType,
            body: body.toString('utf8'),
            url: result.url,
          },
          'http-status',
        );
      }
      if (Number(header(response, 'content-length')) > limit) {
        discard(response.body);
        throw new BodyTooLargeError(`response body exceeds ${limit} bytes`);
      }
      result.body = await readBytes(response.body, limit, false);
      return result;
    } catch (error) {
      throw toWebhookError(error, label, deadline, this.limits());
    }
  }

  /** Sends the request and follows redirects; resolves with the final hop's unread response. */
  private async follow(
    firstMethod: HttpMethod,
    firstUrl: URL,
    firstParams: Record<string, string>,
    signingKey: string,
    extraHeaders: Record<string, string>,
    deadline: AbortSignal,
  ): Promise<{ response: Dispatcher.ResponseData; url: URL; label: string }> {
    let method = firstMethod;
    let params: Record<string, string> | null = method === 'POST' ? firstParams : null;
    let url = firstUrl;
    for (let redirects = 0; ; redirects++) {
      const label = `${method} ${withoutCredentials(url)}`;
      const headers: Record<string, string> = {
        accept: 'application/xml, text/xml, */*;q=0.1',
        ...extraHeaders,
        'x-twilio-signature': twilioSignature(signingKey, withoutCredentials(url), params),
      };
      let body: string | undefined;
      if (params) {
        body = new URLSearchParams(params).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
      const response = await this.exchange(method, url, body, headers, deadline).catch((error: unknown) => {
        throw toWebhookError(error, label, deadline, this.limits());
      });
      const location = REDIRECT_STATUSES.has(response.statusCode) ? header(response, 'location') : '';
      if (!location) return { response, url, label };
      discard(response.body);
      if (redirects >= this.config.webhookMaxRedirects) {
        throw new WebhookError(
          `${label} failed: more than ${this.config.webhookMaxRedirects} redirects`,
          undefined,
          'redirects',
        );
      }
      url = this.target(location, method, url.href);
      // Twilio repeats the request on 301/302 as on 307/308 (method and parameters, signed for the new
      // URL): app servers that moved rely on it. Only 303 ("see other") asks for a GET.
      if (method === 'POST' && response.statusCode === 303) {
        method = 'GET';
        params = null;
      }
    }
  }

  private target(location: string, method: HttpMethod, base: string): URL {
    let url: URL;
    try {
      url = new URL(location, base);
    } catch {
      throw new WebhookError(`${method} ${location} failed: not a valid URL`, undefined, 'bad-url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new WebhookError(
        `${method} ${withoutCredentials(url)} failed: only http and https URLs are allowed`,
        undefined,
        'bad-url',
      );
    }
    url.hash = '';
    // The connector checks every connection; literal addresses are refused here already, before a request
    // (and the credentials it may carry) is even built.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const refusal = isIP(host) ? this.policy.refusal(host, host, port) : null;
    if (refusal) {
      throw new WebhookError(
        `${method} ${withoutCredentials(url)} failed: ${refusal}`,
        undefined,
        'blocked-address',
      );
    }
    return url;
  }

  private exchange(
    method: HttpMethod,
    url: URL,
    body: string | undefined,
    requestHeaders: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { 'user-agent': 'Callwright/0.1', ...requestHeaders };
    if (url.username || url.password) {
      // Twilio-style credentials in the URL become Basic auth; the app server never sees them in the URL.
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const target = withoutCredentials(url);
    return undiciRequest(target, { method, headers, body, signal, dispatcher: this.agent });
  }

  private async finish(
    response: Dispatcher.ResponseData,
    url: string,
    label: string,
    deadline: AbortSignal,
    limit = this.config.webhookMaxBodyBytes,
  ): Promise<WebhookResponse> {
    const ok = response.statusCode >= 200 && response.statusCode <= 299;
    const result: WebhookResponse = {
      status: response.statusCode,
      contentType: header(response, 'content-type'),
      body: '',
      url,
    };
    if (ok) {
      if (Number(header(response, 'content-length')) > limit) {
        discard(response.body);
        throw new BodyTooLargeError(`response body exceeds ${limit} bytes`);
      }
      result.body = await readBody(response.body, limit, false);
      return result;
    }
    result.body = await readBody(response.body, Math.min(limit, ERROR_BODY_BYTES), true).catch((error) => {
      if (deadline.aborted) throw error;
      return '';
    });
    throw new WebhookError(`${label} returned HTTP ${response.statusCode}`, result, 'http-status');
  }
}

function appendQuery(url: URL, params: Record<string, string>): void {
  const query = new URLSearchParams(params).toString();
  if (query) url.search = url.search ? `${url.search}&${query}` : query;
}

function withoutCredentials(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** The time a request may take: in all, and to connect. */
interface Limits {
  totalMs: number;
  connectMs: number;
}

function toWebhookError(error: unknown, label: string, deadline: AbortSignal, limits: Limits): WebhookError {
  if (error instanceof WebhookError) return error;
  if (deadline.aborted) {
    return new WebhookError(`${label} failed: timed out after ${limits.totalMs} ms`, undefined, 'timeout');
  }
  if (error instanceof BodyTooLargeError) {
    return new WebhookError(`${label} failed: ${error.message}`, undefined, 'too-large');
  }
  if (error instanceof BlockedAddressError) {
    return new WebhookError(`${label} failed: ${error.message}`, undefined, 'blocked-address');
  }
  const code = (error as { code?: string }).code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new WebhookError(
      `${label} failed: connect timed out after ${limits.connectMs} ms`,
      undefined,
      'timeout',
    );
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new WebhookError(`${label} failed: timed out after ${limits.totalMs} ms`, undefined, 'timeout');
  }
  return new WebhookError(`${label} failed: ${describeError(error)}`, undefined, 'network');
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as Error & { code?: string };
  return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}
