import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SpeechCacheService } from './speech-cache.service';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Audio the platform generates, fetched by Asterisk over HTTP so it needs no shared disk.
 * No authentication: Asterisk fetches without credentials, and a file's id is the sha256 of its text,
 * so only someone who already knows what it says can name it.
 */
@Controller('media')
export class MediaController {
  constructor(private readonly speech: SpeechCacheService) {}

  @Get('tts/:file')
  async speechFile(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const id = /^([0-9a-f]{64})\.wav$/.exec(file)?.[1];
    const path = id ? await this.speech.findFile(id) : null;
    if (!path) throw new NotFoundException('No such media');
    res.type('audio/wav');
    // Content never changes under an id, so Asterisk's media cache may keep it as long as it likes.
    res.sendFile(path, { maxAge: ONE_YEAR_MS, immutable: true, dotfiles: 'deny' }, (error) => {
      if (error && !res.headersSent) res.sendStatus(404);
    });
  }
}
