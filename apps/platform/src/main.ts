import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (!config.ariPassword) {
    throw new Error(
      'ARI_PASSWORD is not set. `npm start` reads the one asterisk/stack.sh generated; with your own Asterisk, set ARI_PASSWORD.',
    );
  }
  // Lines logged while the application is built wait for the pino logger (LOG_FORMAT, redaction).
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  await app.listen(config.port, config.host);
  new Logger('Callwright').log(`Listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
