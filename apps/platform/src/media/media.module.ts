import { Global, Module } from '@nestjs/common';
import { EspeakTtsEngine } from './espeak-tts-engine';
import { MediaController } from './media.controller';
import { SpeechCacheService } from './speech-cache.service';
import { TtsEngine } from './tts-engine.port';

// Global like the webhook client: call control and RCML verbs all turn text into playable media.
@Global()
@Module({
  controllers: [MediaController],
  providers: [{ provide: TtsEngine, useClass: EspeakTtsEngine }, SpeechCacheService],
  exports: [SpeechCacheService, TtsEngine],
})
export class MediaModule {}
