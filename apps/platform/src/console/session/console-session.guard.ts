import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ConsoleError } from '../console-errors';
import { ActiveSession, ConsoleSessionsService } from './console-sessions.service';

export const CONSOLE_COOKIE = 'cw_console';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    consoleSession?: ActiveSession;
  }
}

/** The value of one cookie of a request (no cookie-parser in the stack: only this one is read). */
export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Console routes: a live session cookie, and on anything but GET/HEAD the session's CSRF token in
 * `X-CSRF-Token` (SameSite=Strict already keeps other sites' requests from carrying the cookie; the
 * token also covers same-site pages and browsers without SameSite). The session then names the
 * account the request acts on, as BasicAuthGuard does for the API.
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(private readonly sessions: ConsoleSessionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const session = await this.sessions.resume(cookieValue(req, CONSOLE_COOKIE));
    if (!session) throw new DomainError(DomainErrorCode.AuthenticationRequired, 'Sign in to the console');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const token = req.headers[CSRF_HEADER];
      if (typeof token !== 'string' || !sameToken(token, session.record.csrfToken))
        throw new ConsoleError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header');
    }
    req.consoleSession = session;
    req.account = session.account;
    return true;
  }
}
