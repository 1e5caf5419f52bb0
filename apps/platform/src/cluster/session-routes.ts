import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { DomainError } from '../common/domain-error';

/**
 * A PBX family's requests that name one of its sessions in their path (a RingCentral telephony session,
 * a PortSIP session, the sipX call between two users). Sessions live in the memory of the node that
 * holds their Asterisk server, so a request naming a session this node does not hold is carried out by
 * the node that does (see owner-forwarding.ts). Each family registers its route from its own module.
 */
export interface SessionRoute {
  /** Whether the path is one of the family's (its refusals are then in the family's shape). */
  covers(path: string): boolean;
  /** The session the path names, or null when it names none (creations, lists, logins). */
  sessionOf(path: string): string | null;
  /** Whether this node holds that session now. */
  holds(session: string): boolean;
  /** Answers the request with the error, as the family's exception filter would. */
  refuse(res: Response, error: DomainError): void;
}

@Injectable()
export class SessionRoutes {
  private readonly routes: SessionRoute[] = [];

  add(route: SessionRoute): void {
    this.routes.push(route);
  }

  /** The family route the path belongs to; undefined for the Calls API and the rest. */
  routeOf(path: string): SessionRoute | undefined {
    return this.routes.find((route) => route.covers(path));
  }
}

/** A path segment as the router would see it; null when it is not valid percent-encoding. */
export function pathSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
