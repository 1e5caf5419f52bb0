import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { consoleStaticMiddleware, defaultConsoleDir } from './console-static.middleware';

/** Serves the built web console at /console (see console-static.middleware.ts). */
@Module({})
export class ConsoleStaticModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // CONSOLE_DIR: a build elsewhere (a packaged install); the repository's dist/console otherwise.
    consumer.apply(consoleStaticMiddleware(process.env.CONSOLE_DIR || defaultConsoleDir())).forRoutes('*');
  }
}
