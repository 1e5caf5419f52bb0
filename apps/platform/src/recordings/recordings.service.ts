import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Repository } from 'typeorm';
import type { AccountEntity } from '../accounts/account.entity';
import { CallEntity } from '../call-control/legs/call.entity';
import { RESTCOMM_API_VERSION } from '../common/api-version';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { insertionOrder, type Page } from '../common/paging';
import { newSid, sidPattern } from '../common/sid';
import { AppConfig } from '../config/app-config';
import { RecordingEntity } from './recording.entity';
import { createPrivateDirectory, PRIVATE_FILE_MODE } from '../common/private-storage';
import { encodeMp3File } from '../media/mp3-encoder';

export interface StoreRecordingRequest {
  accountSid: string;
  callSid: string | null;
  durationSeconds: number;
  /** A complete RIFF/WAVE file, as Asterisk stores it. */
  audio: Buffer;
  source: string;
}

@Injectable()
export class RecordingsService {
  constructor(
    @InjectRepository(RecordingEntity) private readonly recordings: Repository<RecordingEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly config: AppConfig,
  ) {}

  /** Writes the WAV under `recordingsPath/{AccountSid}/{RecordingSid}.wav`, then saves its metadata. */
  async store(request: StoreRecordingRequest): Promise<RecordingEntity> {
    if (!isWav(request.audio)) throw new Error('Recording audio is not a RIFF/WAVE file');
    const sid = newSid('RE');
    const filePath = join(request.accountSid, `${sid}.wav`);
    const absolute = this.absolutePath(filePath);
    await createPrivateDirectory(dirname(absolute));
    await writeFile(absolute, request.audio, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    try {
      return await this.recordings.save(
        this.recordings.create({
          sid,
          accountSid: request.accountSid,
          callSid: request.callSid,
          duration: Math.max(0, Math.round(request.durationSeconds)),
          status: 'completed',
          source: request.source,
          channels: 1,
          filePath,
          // Millisecond precision keeps "newest first" meaningful.
          dateCreated: new Date(),
        }),
      );
    } catch (error) {
      await unlink(absolute).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Twilio's RecordingUrl: the recording's resource; append `.wav` or `.mp3` for the audio. `api`
   * picks the family whose path it names (both serve the same audio under the same rules).
   */
  mediaUrl(recording: { sid: string; accountSid: string }, api: 'restcomm' | 'twilio' = 'restcomm'): string {
    const base = this.config.publicUrl.replace(/\/+$/, '');
    const family = api === 'twilio' ? '/2010-04-01' : `/restcomm/${RESTCOMM_API_VERSION}`;
    return `${base}${family}/Accounts/${recording.accountSid}/Recordings/${recording.sid}`;
  }

  /** With `callSid`, the recording must also be that call's (the per-call subresource). */
  async get(account: AccountEntity, sid: string, callSid?: string): Promise<RecordingEntity> {
    const recording = sidPattern('RE').test(sid)
      ? await this.recordings.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!recording || (callSid !== undefined && recording.callSid !== callSid)) throw notFound(sid);
    return recording;
  }

  /** Deletes the metadata, the WAV and any MP3 made from it; the media URLs answer 404 from then on. */
  async remove(account: AccountEntity, sid: string, callSid?: string): Promise<void> {
    const recording = await this.get(account, sid, callSid);
    await this.recordings.delete({ sid: recording.sid });
    const wav = this.absolutePath(recording.filePath);
    await unlink(wav).catch(() => undefined);
    await unlink(mp3PathOf(wav)).catch(() => undefined);
  }

  /** Newest first; with `callSid`, only that call's, and 404 when the account has no such call. */
  async list(
    account: AccountEntity,
    page: number,
    pageSize: number,
    callSid?: string,
  ): Promise<Page<RecordingEntity>> {
    if (callSid !== undefined) {
      const exists =
        sidPattern('CA').test(callSid) &&
        (await this.calls.existsBy({ sid: callSid, accountSid: account.sid }));
      if (!exists)
        throw new DomainError(
          DomainErrorCode.NotFound,
          `The requested resource Call ${callSid} was not found`,
        );
    }
    const query = this.recordings
      .createQueryBuilder('recording')
      .where('recording.accountSid = :accountSid', { accountSid: account.sid });
    if (callSid !== undefined) query.andWhere('recording.callSid = :callSid', { callSid });
    const [items, total] = await query
      .orderBy('recording.dateCreated', 'DESC')
      .addOrderBy(insertionOrder(this.recordings, 'recording'), 'DESC')
      .offset(page * pageSize)
      .limit(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * The audio file of a recording addressed by AccountSid and RecordingSid, without authentication
   * (see RecordingsController). 404 for a malformed sid, another account's sid or a missing file.
   */
  async audioFile(
    accountSid: string,
    sid: string,
    format: RecordingFormat = 'wav',
  ): Promise<{ path: string; size: number }> {
    const recording =
      sidPattern('AC').test(accountSid) && sidPattern('RE').test(sid)
        ? await this.recordings.findOneBy({ sid, accountSid })
        : null;
    if (!recording) throw notFound(sid);
    const wav = this.absolutePath(recording.filePath);
    const info = await stat(wav).catch(() => null);
    if (!info?.isFile()) throw notFound(sid);
    if (format === 'wav') return { path: wav, size: info.size };
    // Encoded on first request and kept beside the WAV (deleted with it).
    const mp3 = mp3PathOf(wav);
    let encoded = await stat(mp3).catch(() => null);
    if (!encoded?.isFile()) {
      await encodeMp3File(wav, mp3);
      encoded = await stat(mp3);
    }
    return { path: mp3, size: encoded.size };
  }

  private absolutePath(filePath: string): string {
    return resolve(this.config.recordingsPath, filePath);
  }
}

export type RecordingFormat = 'wav' | 'mp3';

const mp3PathOf = (wavPath: string) => wavPath.replace(/\.wav$/, '') + '.mp3';

function notFound(sid: string): DomainError {
  return new DomainError(DomainErrorCode.NotFound, `The requested resource Recording ${sid} was not found`);
}

function isWav(audio: Buffer): boolean {
  return (
    audio.length >= 44 &&
    audio.toString('ascii', 0, 4) === 'RIFF' &&
    audio.toString('ascii', 8, 12) === 'WAVE'
  );
}
