import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { PlainTextRefusal } from '../../common/plain-text-refusal';
import { logRefusal, toErrorBody } from '../../common/restcomm-exception.filter';

/** sipX answers failures with the HTTP status and the reason as plain text ("not valid user pin"). */
@Catch()
export class SipxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(SipxExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    sendSipxError(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}

export function sendSipxError(res: Response, exception: unknown, logger: Logger): void {
  // The Digest guard's refusals carry their own challenges and sipX's texts.
  if (exception instanceof PlainTextRefusal) return exception.send(res);
  const body = toErrorBody(exception);
  logRefusal(logger, body, exception);
  res.status(body.status).type('text/plain').send(`${body.message}\n`);
}
