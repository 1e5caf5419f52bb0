import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
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
  const levels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  const app = await NestFactory.create(AppModule, {
    logger: levels.slice(0, levels.indexOf(config.logLevel) + 1) as any,
  });
  configureApp(app);
  await app.listen(config.port, config.host);
  new Logger('Callwright').log(`Listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
