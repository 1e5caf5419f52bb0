import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '../config/app-config';
import { SpeechRequest, TtsEngine } from './tts-engine.port';
import { createPrivateDirectory } from '../common/private-storage';

export interface PreparedSpeech {
  /** sha256 of the request, hex: the file's name in the cache and in its URL. */
  id: string;
  /** Where Asterisk fetches the WAV: play it as `sound:<url>`. */
  url: string;
}

const SPEECH_ID = /^[0-9a-f]{64}$/;
// Bump when the engine's output changes, so old renderings are not served for the same text.
const FORMAT_VERSION = 'wav8k-1';

export function speechId(request: SpeechRequest): string {
  const key = JSON.stringify([FORMAT_VERSION, request.text, request.voice, request.language]);
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Synthesizes each text once and keeps the WAV on disk, where the media controller serves it to Asterisk. */
@Injectable()
export class SpeechCacheService {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly engine: TtsEngine,
    private readonly config: AppConfig,
  ) {}

  async prepareSpeech(request: SpeechRequest): Promise<PreparedSpeech> {
    const id = speechId(request);
    await this.ensureCached(id, request);
    return { id, url: `${this.config.publicUrl.replace(/\/+$/, '')}/media/tts/${id}.wav` };
  }

  /** The cached file's path, or null for a malformed id or one never synthesized. */
  async findFile(id: string): Promise<string | null> {
    if (!SPEECH_ID.test(id)) return null;
    const path = this.pathFor(id);
    return (await exists(path)) ? path : null;
  }

  private get directory(): string {
    return resolve(this.config.mediaPath, 'tts');
  }

  private pathFor(id: string): string {
    return join(this.directory, `${id}.wav`);
  }

  private ensureCached(id: string, request: SpeechRequest): Promise<void> {
    let task = this.inFlight.get(id);
    if (!task) {
      task = this.synthesizeToFile(id, request).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, task);
    }
    return task;
  }

  private async synthesizeToFile(id: string, request: SpeechRequest): Promise<void> {
    const path = this.pathFor(id);
    if (await exists(path)) return;
    const audio = await this.engine.synthesize(request);
    await createPrivateDirectory(this.directory);
    // Write then rename: Asterisk must never fetch a half-written file.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, audio);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
