import { HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendRestcomm } from './restcomm-response';

export interface ErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/**
 * Errors of the HTTP layer itself (unknown route, malformed or oversized body, oversized headers) carry
 * code 20000 + the HTTP status: 20400, 20404, 20413, 20431. That is Twilio's own numbering for the ones it
 * documents (20404 Not Found, 20429 Too Many Requests), extended to the rest.
 */
export const httpErrorCode = (status: number): number => 20000 + status;

export function errorBody(status: number, message: string, code = httpErrorCode(status)): ErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** RestComm 2012-04-24 paths answer RestComm (XML unless JSON was asked for); everything else JSON. */
export function sendApiError(req: Request, res: Response, body: ErrorBody): void {
  if (body.status === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Basic realm="Callwright"');
  if (/^\/2012-04-24(\/|$)/.test(req.path ?? req.url)) {
    sendRestcomm(req, res, body.status, 'RestException', body);
    return;
  }
  res.status(body.status).json(body);
}
