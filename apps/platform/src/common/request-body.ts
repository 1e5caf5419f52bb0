import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';
import { errorBody, sendApiError } from './api-errors';

/** Deeper JSON than any API body needs; validation walks bodies recursively, so depth must be bounded. */
export const MAX_JSON_DEPTH = 32;

/**
 * The platform's own body parsers (Nest's defaults are skipped when these are registered first): bounded
 * size, bounded form parameters, bounded JSON depth, and every refusal answered in the API's own shape
 * instead of Express's HTML error page.
 */
export function bodyParsers(maxBodyBytes: number): Array<RequestHandler | BodyErrorHandler> {
  return [
    json({ limit: maxBodyBytes }),
    urlencoded({ extended: true, limit: maxBodyBytes, parameterLimit: 1000 }),
    refuseDeepBodies,
    answerBodyErrors,
  ];
}

type BodyErrorHandler = (error: unknown, req: Request, res: Response, next: NextFunction) => void;

function refuseDeepBodies(req: Request, res: Response, next: NextFunction): void {
  if (depthExceeds(req.body, MAX_JSON_DEPTH)) {
    sendApiError(req, res, errorBody(400, `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
}

/** Iterative, so a hostile body cannot overflow the stack while its depth is being measured. */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

const BODY_ERROR_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.too.large': 'The request body is larger than the platform accepts',
  'parameters.too.many': 'The request has too many parameters',
  'charset.unsupported': 'The request body uses an unsupported character set',
  'encoding.unsupported': 'The request body uses an unsupported content encoding',
  'request.aborted': 'The request was aborted',
  'request.size.invalid': 'The request body does not match its Content-Length',
};

function answerBodyErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const failure = error as { status?: number; type?: string };
  if (typeof failure?.status !== 'number' || failure.status < 400 || failure.status >= 500)
    return next(error);
  const message = BODY_ERROR_MESSAGES[failure.type ?? ''] ?? 'The request body could not be read';
  sendApiError(req, res, errorBody(failure.status, message));
}
