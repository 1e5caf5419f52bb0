import { Global, Module } from '@nestjs/common';
import { EspeakTtsEngine } from './espeak-tts-engine';
import { MediaController } from './media.controller';
import { PlayMediaService } from './play-media.service';
import { SpeechCacheService } from './speech-cache.service';
import { TtsEngine } from './tts-engine.port';

// Global like the webhook client: call control and RCML verbs all turn text and URLs into playable media.
@Global()
@Module({
  controllers: [MediaController],
  providers: [{ provide: TtsEngine, useClass: EspeakTtsEngine }, SpeechCacheService, PlayMediaService],
  exports: [SpeechCacheService, PlayMediaService, TtsEngine],
})
export class MediaModule {}
