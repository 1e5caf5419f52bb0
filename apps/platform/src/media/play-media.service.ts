import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { NotificationCode } from '../common/notification-codes';
import { MediaResponse, WebhookClient, WebhookError } from '../webhooks/webhook-client.service';
import { convertForAsterisk, MediaFormatError } from './audio-converter';
import { freshness } from './cache-policy';
import { CacheEntry, PlayMediaStore } from './play-media-store';

export interface MediaFetchRequest {
  accountSid: string;
  /** The account's AuthToken: the request is signed like every other one to the app server. */
  signingKey: string;
  url: string;
}

export interface PreparedMedia {
  id: string;
  /** Where Asterisk fetches the converted WAV from the platform: play it as `sound:<url>`. */
  url: string;
}

/** Why a URL cannot be played, with the notification it becomes on the call. */
export class MediaFetchError extends Error {
  constructor(
    readonly code: NotificationCode,
    message: string,
    readonly requestUrl: string,
    readonly responseBody?: string,
  ) {
    super(message);
  }
}

// Bump when the conversion's output changes, so cached files made by the old one are not reused.
const FORMAT_VERSION = 'wav8k-1';
/** A `no-store` file serves the playback it was fetched for, then goes. */
const UNSTORED_LIFETIME_MS = 10 * 60 * 1000;

/**
 * `<Play>` and `waitUrl` media: fetched by the platform's webhook client (never by Asterisk),
 * cached per account and URL as Cache-Control and the validators allow, converted to 8 kHz WAV,
 * and served to Asterisk from the platform's media route.
 */
@Injectable()
export class PlayMediaService {
  private readonly store: PlayMediaStore;
  private readonly inFlight = new Map<string, Promise<PreparedMedia>>();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly config: AppConfig,
  ) {
    this.store = new PlayMediaStore(resolve(config.mediaPath, 'play'), config.mediaCacheMaxBytes);
  }

  /** Concurrent requests for the same account and URL share one fetch. */
  prepare(request: MediaFetchRequest): Promise<PreparedMedia> {
    const key = cacheKey(request.accountSid, request.url);
    let task = this.inFlight.get(key);
    if (!task) {
      task = this.load(key, request).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, task);
    }
    return task;
  }

  findFile(id: string): Promise<string | null> {
    return this.store.findFile(id);
  }

  /** For tests: resolves once background eviction is done. */
  settled(): Promise<void> {
    return this.store.settled();
  }

  private async load(key: string, request: MediaFetchRequest): Promise<PreparedMedia> {
    const cached = await this.store.readEntry(key);
    if (cached && Date.now() < cached.freshUntil) {
      await this.store.touch(cached.file);
      return this.prepared(cached.file);
    }
    const response = await this.fetch(request, cached);
    const receivedAt = Date.now();
    if (response.status === 304 && cached) return this.revalidated(key, cached, response, receivedAt);
    let wav: Buffer;
    try {
      wav = await convertForAsterisk(response.body, response.contentType);
    } catch (error) {
      const code =
        error instanceof MediaFormatError
          ? NotificationCode.InvalidContentType
          : NotificationCode.PlaybackFailure;
      throw new MediaFetchError(code, `${request.url} cannot be played: ${describe(error)}`, request.url);
    }
    const policy = freshness(response, receivedAt);
    if (!policy.store) {
      await this.store.deleteEntry(key);
      // A name of its own, so a stored entry with the same bytes is never deleted with it.
      const id = randomBytes(32).toString('hex');
      await this.store.writeFile(id, wav);
      setTimeout(() => void this.store.removeFile(id), UNSTORED_LIFETIME_MS).unref();
      return this.prepared(id);
    }
    const id = createHash('sha256').update(FORMAT_VERSION).update(wav).digest('hex');
    await this.store.writeFile(id, wav);
    await this.store.writeEntry(key, {
      url: request.url,
      file: id,
      storedAt: receivedAt,
      freshUntil: policy.freshUntil,
      etag: response.etag,
      lastModified: response.lastModified,
      cacheControl: response.cacheControl,
      expires: response.expires,
    });
    return this.prepared(id);
  }

  private async fetch(request: MediaFetchRequest, cached: CacheEntry | null): Promise<MediaResponse> {
    try {
      return await this.webhooks.fetchMedia({
        url: request.url,
        signingKey: request.signingKey,
        etag: cached?.etag || undefined,
        lastModified: cached?.lastModified || undefined,
      });
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      throw new MediaFetchError(
        NotificationCode.HttpRetrievalFailure,
        error.message,
        request.url,
        error.response?.body,
      );
    }
  }

  /** 304: the cached file stays; the 304's caching headers, where it has them, replace the stored ones. */
  private async revalidated(
    key: string,
    cached: CacheEntry,
    response: MediaResponse,
    receivedAt: number,
  ): Promise<PreparedMedia> {
    const updated: CacheEntry = {
      ...cached,
      cacheControl: response.cacheControl || cached.cacheControl,
      expires: response.expires || cached.expires,
      etag: response.etag || cached.etag,
      lastModified: response.lastModified || cached.lastModified,
    };
    const policy = freshness({ ...updated, date: response.date, age: response.age }, receivedAt);
    if (policy.store) await this.store.writeEntry(key, { ...updated, freshUntil: policy.freshUntil });
    else await this.store.deleteEntry(key);
    await this.store.touch(cached.file);
    return this.prepared(cached.file);
  }

  private prepared(id: string): PreparedMedia {
    return { id, url: `${this.config.publicUrl.replace(/\/+$/, '')}/media/play/${id}.wav` };
  }
}

/** Per account: each account's requests are signed with its own token, so app servers may answer differently. */
function cacheKey(accountSid: string, url: string): string {
  return createHash('sha256').update(`${accountSid}\n${url}`, 'utf8').digest('hex');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
