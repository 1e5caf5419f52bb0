import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SessionRoutes, pathSegment } from '../cluster/session-routes';
import { LiveSessions } from './live-sessions';
import { sendPortsipError } from './portsip/portsip-exception.filter';
import { sendRingcentralError } from './ringcentral/ringcentral-exception.filter';

const RINGCENTRAL = /^\/restapi\/v1\.0\/account\/[^/]+\/telephony\//;
const RINGCENTRAL_SESSION = /^\/restapi\/v1\.0\/account\/[^/]+\/telephony\/sessions\/([^/]+)/;
const PORTSIP = /^\/api\//;
// `directly` is a creation (a call between two numbers), not a session.
const PORTSIP_SESSION = /^\/api\/sessions\/(?!directly(?:\/|$))([^/]+)/;

function sessionIn(pattern: RegExp, path: string): string | null {
  const raw = pattern.exec(path)?.[1];
  return raw === undefined ? null : pathSegment(raw);
}

/**
 * The RingCentral-style and PortSIP-style session paths, for the node-to-node forwarding of several
 * nodes: both name a conversation of this node's LiveSessions.
 */
@Injectable()
export class ClusterSessionRoutes implements OnModuleInit {
  private readonly logger = new Logger('SessionForwarding');

  constructor(
    private readonly routes: SessionRoutes,
    private readonly sessions: LiveSessions,
  ) {}

  onModuleInit(): void {
    const holds = (session: string) => this.sessions.holds(session);
    this.routes.add({
      covers: (path) => RINGCENTRAL.test(path),
      sessionOf: (path) => sessionIn(RINGCENTRAL_SESSION, path),
      holds,
      refuse: (res, error) => sendRingcentralError(res, error, this.logger),
    });
    this.routes.add({
      covers: (path) => PORTSIP.test(path),
      sessionOf: (path) => sessionIn(PORTSIP_SESSION, path),
      holds,
      refuse: (res, error) => sendPortsipError(res, error, this.logger),
    });
  }
}
