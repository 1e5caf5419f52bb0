import type { INestApplication } from '@nestjs/common';
import { useContainer } from 'class-validator';
import type { NextFunction, Request, Response } from 'express';
import { apiPathMiddleware } from './common/api-path.middleware';
import { RestcommExceptionFilter } from './common/restcomm-exception.filter';
import { createValidationPipe } from './common/validation';

/** HTTP wiring shared by main.ts and the e2e tests, so tests exercise the same stack users get. */
export function configureApp(app: INestApplication): void {
  app.use(apiPathMiddleware);
  // Validators that need platform services (the internal-URL check) come from Nest's container.
  useContainer(app, { fallbackOnErrors: true });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new RestcommExceptionFilter());
  app.enableShutdownHooks();
}

/** Body-parser rejections (malformed JSON, oversized bodies) happen before Nest's filters can see them. */
export function bodyParserErrorHandler(error: any, req: Request, res: Response, next: NextFunction): void {
  if (!error || typeof error.status !== 'number' || error.status >= 500) return next(error);
  const body = {
    code: error.status,
    message: error.message,
    more_info: `https://www.twilio.com/docs/errors/${error.status}`,
    status: error.status,
  };
  res.status(error.status).json(body);
}
