import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { logRefusal, toErrorBody } from '../../common/restcomm-exception.filter';

/** sipX answers failures with the HTTP status and the reason as plain text ("not valid user pin"). */
@Catch()
export class SipxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(SipxExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    logRefusal(this.logger, body, exception);
    if (body.status === HttpStatus.UNAUTHORIZED && !res.getHeader('WWW-Authenticate'))
      res.setHeader('WWW-Authenticate', 'Bearer realm="Callwright"');
    res.status(body.status).type('text/plain').send(`${body.message}\n`);
  }
}
