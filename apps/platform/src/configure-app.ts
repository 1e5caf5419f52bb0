import type { INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { useContainer } from 'class-validator';
import { apiPathMiddleware } from './common/api-path.middleware';
import { answerClientErrors } from './common/client-errors';
import { bodyParsers } from './common/request-body';
import { RestcommExceptionFilter } from './common/restcomm-exception.filter';
import { ControlCharacterPipe } from './common/control-character.pipe';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { OwnerForwarding } from './cluster/owner-forwarding';
import { serveOpenApi } from './openapi/openapi-document';

/** A provider of the app, or undefined: a failed lookup through ModuleRef is not fatal (see below). */
function lookUp<T>(modules: ModuleRef, type: unknown): T | undefined {
  try {
    return modules.get(type as never, { strict: false }) as T;
  } catch {
    return undefined;
  }
}

/** HTTP wiring shared by main.ts and the e2e tests, so tests exercise the same stack users get. */
export function configureApp(app: INestApplication): void {
  const modules = app.get(ModuleRef);
  // First: a request about another node's call goes to that node untouched (several nodes). Apps built
  // from a few modules (unit tests) have no forwarding.
  const forwarding = lookUp<OwnerForwarding>(modules, OwnerForwarding);
  if (forwarding) app.use(forwarding.middleware);
  app.use(apiPathMiddleware);
  // Registered before Nest's own parsers would be, which it then skips.
  for (const handler of bodyParsers(app.get(AppConfig).httpMaxBodyBytes)) app.use(handler);
  answerClientErrors(app.getHttpServer());
  // Validators that need platform services (the internal-URL check) come from Nest's container.
  // Through ModuleRef, not the app itself: in a NestFactory app (main.ts) a failed lookup on the app
  // is fatal, and class-validator looks up its own classes (Validator...) first.
  useContainer({ get: (type: unknown) => lookUp(modules, type) }, { fallback: true, fallbackOnErrors: true });
  app.useGlobalPipes(new ControlCharacterPipe(), createValidationPipe());
  app.useGlobalFilters(new RestcommExceptionFilter());
  serveOpenApi(app);
  app.enableShutdownHooks();
}
