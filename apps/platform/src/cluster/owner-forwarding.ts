import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Repository } from 'typeorm';
import { CallEntity } from '../call-control/legs/call.entity';
import { isTerminal } from '../call-control/legs/call-state-machine';
import { SERVER_CLAIMS, type ServerClaims } from '../telephony/ownership/server-locks';

/** Set on a forwarded request: the receiving node carries it out itself, never forwards it again. */
export const FORWARDED_HEADER = 'x-callwright-forwarded-by';
const CALL_SID = /\bCA[0-9a-f]{32}\b/;
const FORWARD_TIMEOUT_MS = 30_000;

/**
 * Several nodes on one PostgreSQL: a request about a live call whose Asterisk server another node holds
 * is carried out by that node. The request goes to it over HTTP as it came (method, path, headers, body)
 * and its answer comes back as it left (status, headers, body): the caller gets the same answer either
 * way, errors included, in each API family's own shape. Registered before the body parsers, so the body
 * is still the raw stream.
 */
@Injectable()
export class OwnerForwarding {
  private readonly logger = new Logger(OwnerForwarding.name);

  constructor(
    @Inject(SERVER_CLAIMS) private readonly claims: ServerClaims | null,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.claims || req.headers[FORWARDED_HEADER]) return next();
    const sid = CALL_SID.exec(req.originalUrl.split('?')[0])?.[0];
    if (!sid) return next();
    this.holderOf(sid).then(
      (holder) => (holder ? this.forward(req, res, holder) : next()),
      (error) => {
        this.logger.warn(`Looking up the node of ${sid} failed: ${error}`);
        next();
      },
    );
  };

  /** The other node's address when it holds the live call's server; null: this node answers. */
  private async holderOf(sid: string): Promise<string | null> {
    const claims = this.claims!;
    const call = await this.calls.findOne({
      where: { sid },
      select: ['sid', 'status', 'asteriskServer'],
    });
    if (!call?.asteriskServer || isTerminal(call.status) || claims.holds(call.asteriskServer)) return null;
    return claims.holderUrl(call.asteriskServer);
  }

  private forward(req: Request, res: Response, holder: string): void {
    const target = new URL(req.originalUrl, holder);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, {
      method: req.method,
      headers: { ...req.headers, host: target.host, [FORWARDED_HEADER]: holder },
      timeout: FORWARD_TIMEOUT_MS,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (error) => {
      this.logger.warn(`Forwarding ${req.method} ${req.originalUrl} to ${holder} failed: ${error.message}`);
      if (res.headersSent) return void res.destroy();
      // The holder is going away: its servers are free in a few seconds, then any node answers.
      res.status(503).json({
        status: 503,
        code: 20500,
        message: 'The platform node that holds this call did not answer; try again in a few seconds',
      });
    });
    req.pipe(upstream);
  }
}
