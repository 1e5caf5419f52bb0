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

  /** Twilio's RecordingUrl: the recording's resource; append `.wav` for the audio. */
  mediaUrl(recording: { sid: string; accountSid: string }): string {
    const base = this.config.publicUrl.replace(/\/+$/, '');
    return `${base}/restcomm/${RESTCOMM_API_VERSION}/Accounts/${recording.accountSid}/Recordings/${recording.sid}`;
  }

  async get(account: AccountEntity, sid: string): Promise<RecordingEntity> {
    const recording = sidPattern('RE').test(sid)
      ? await this.recordings.findOneBy({ sid, accountSid: account.sid })
      : null;
    if (!recording) throw notFound(sid);
    return recording;
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
  async audioFile(accountSid: string, sid: string): Promise<{ path: string; size: number }> {
    const recording =
      sidPattern('AC').test(accountSid) && sidPattern('RE').test(sid)
        ? await this.recordings.findOneBy({ sid, accountSid })
        : null;
    if (!recording) throw notFound(sid);
    const path = this.absolutePath(recording.filePath);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw notFound(sid);
    return { path, size: info.size };
  }

  private absolutePath(filePath: string): string {
    return resolve(this.config.recordingsPath, filePath);
  }
}

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
