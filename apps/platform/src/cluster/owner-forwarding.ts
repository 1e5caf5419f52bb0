import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Repository } from 'typeorm';
import { CallEntity } from '../call-control/legs/call.entity';
import { isTerminal } from '../call-control/legs/call-state-machine';
import { errorBody, sendApiError } from '../common/api-errors';
import { apiPathMiddleware } from '../common/api-path.middleware';
import { DomainError, DomainErrorCode } from '../common/domain-error';
import { SERVER_CLAIMS, type ServerClaims } from '../telephony/ownership/server-locks';
import { clusterSecret } from './cluster-secret';
import { isProbeToken, nodeHolding, PROBE_HEADER, probeToken } from './session-probe';
import { SessionRoutes, type SessionRoute } from './session-routes';

/** Set on a forwarded request: the receiving node carries it out itself, never forwards it again. */
export const FORWARDED_HEADER = 'x-callwright-forwarded-by';
const CALL_SID = /\bCA[0-9a-f]{32}\b/;
const FORWARD_TIMEOUT_MS = 30_000;
const UNREACHABLE = 'The platform node that holds this call did not answer; try again in a few seconds';

/**
 * Several nodes on one PostgreSQL: a request about a live call whose Asterisk server another node holds
 * is carried out by that node. The request goes to it over HTTP as it came (method, path, headers, body)
 * and its answer comes back as it left (status, headers, body): the caller gets the same answer either
 * way, errors included, in each API family's own shape. Registered before the body parsers, so the body
 * is still the raw stream. The PBX families' sessions are found by asking the other nodes (see
 * session-routes.ts): their ids are not in the database.
 */
@Injectable()
export class OwnerForwarding {
  private readonly logger = new Logger(OwnerForwarding.name);

  private secret: Promise<string> | null = null;

  constructor(
    @Inject(SERVER_CLAIMS) private readonly claims: ServerClaims | null,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly sessions: SessionRoutes,
  ) {}

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.claims) return next();
    const path = req.originalUrl.split('?')[0];
    const route = this.sessions.routeOf(path);
    const probe = req.headers[PROBE_HEADER];
    if (typeof probe === 'string')
      // No secret (the database down): the asker learns nothing, and nothing is left unhandled.
      return void this.answerProbe(req, res, route, path, probe).catch(() => res.status(404).end());
    if (req.headers[FORWARDED_HEADER]) return next();
    const sid = CALL_SID.exec(path)?.[0];
    const session = sid ? null : route?.sessionOf(path);
    if (!sid && !session) return next();
    const holder = sid ? this.holderOf(sid) : this.nodeHoldingSession(route!, session!, req.originalUrl);
    holder.then(
      (node) => (node ? this.forward(req, res, node, route) : next()),
      (error) => {
        this.logger.warn(`Looking up the node of ${sid ?? session} failed: ${error}`);
        next();
      },
    );
  };

  /** Another node asks whether this one holds a session: yes (204) or no (404), nothing more. */
  private async answerProbe(
    req: Request,
    res: Response,
    route: SessionRoute | undefined,
    path: string,
    token: string,
  ): Promise<void> {
    req.resume();
    const session = route?.sessionOf(path);
    const genuine = session ? isProbeToken(await this.clusterSecret(), session, token) : false;
    res.status(genuine && route!.holds(session!) ? 204 : 404).end();
  }

  private async nodeHoldingSession(
    route: SessionRoute,
    session: string,
    url: string,
  ): Promise<string | null> {
    if (route.holds(session)) return null;
    const [nodes, secret] = await Promise.all([this.claims!.otherNodes(), this.clusterSecret()]);
    return nodeHolding(nodes, url, {
      [FORWARDED_HEADER]: 'probe',
      [PROBE_HEADER]: probeToken(secret, session),
    });
  }

  private clusterSecret(): Promise<string> {
    this.secret ??= clusterSecret(this.calls.manager, 'session-probe').catch((error) => {
      this.secret = null;
      throw error;
    });
    return this.secret;
  }

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

  private forward(req: Request, res: Response, holder: string, route: SessionRoute | undefined): void {
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
      if (route) route.refuse(res, new DomainError(DomainErrorCode.TelephonyUnavailable, UNREACHABLE));
      // Read as the router would (RestComm prefix, `.json`/`.xml`), so the refusal is in the asked format.
      else
        apiPathMiddleware(req, res, () =>
          sendApiError(req, res, errorBody(503, UNREACHABLE, DomainErrorCode.TelephonyUnavailable)),
        );
    });
    req.pipe(upstream);
  }
}
