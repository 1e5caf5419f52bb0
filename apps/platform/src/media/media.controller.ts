import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlayMediaService } from './play-media.service';
import { SpeechCacheService } from './speech-cache.service';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;
const FILE = /^([0-9a-f]{64})\.wav$/;

/**
 * Audio the platform generates or fetched and converted, fetched by Asterisk over HTTP so it needs
 * no shared disk. No authentication: Asterisk fetches without credentials, and a file's id is a
 * sha256 of its content (or random), so only someone who already knows what it says can name it.
 */
@Controller('media')
export class MediaController {
  constructor(
    private readonly speech: SpeechCacheService,
    private readonly playMedia: PlayMediaService,
  ) {}

  @Get('tts/:file')
  async speechFile(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const id = FILE.exec(file)?.[1];
    sendWav(res, id ? await this.speech.findFile(id) : null);
  }

  @Get('play/:file')
  async playFile(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const id = FILE.exec(file)?.[1];
    sendWav(res, id ? await this.playMedia.findFile(id) : null);
  }
}

function sendWav(res: Response, path: string | null): void {
  if (!path) throw new NotFoundException('No such media');
  res.type('audio/wav');
  // Content never changes under an id, so Asterisk's media cache may keep it as long as it likes.
  res.sendFile(path, { maxAge: ONE_YEAR_MS, immutable: true, dotfiles: 'deny' }, (error) => {
    if (error && !res.headersSent) res.sendStatus(404);
  });
}
