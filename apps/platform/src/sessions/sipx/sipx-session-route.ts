import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SessionRoutes, pathSegment } from '../../cluster/session-routes';
import { userPart } from './auth/sipx-digest.guard';
import { SipxCallControllerService } from './sipx-callcontroller.service';
import { sendSipxError } from './sipx-exception.filter';

const CALLCONTROLLER = /^\/(?:sipxconfig\/rest\/my\/redirect\/)?callcontroller(?:\/|$)/;
const USER_PAIR = /^\/(?:sipxconfig\/rest\/my\/redirect\/)?callcontroller\/([^/]+)\/([^/]+)\/?$/;

/** The session a sipX path names: the call between its two users, as the records keep them. */
export function sipxPairOf(path: string): string | null {
  const match = USER_PAIR.exec(path);
  const calling = match && pathSegment(match[1]);
  const called = match && pathSegment(match[2]);
  return calling && called ? `${userPart(calling)}\u0000${called}` : null;
}

/**
 * sipX's call controller with several nodes: a POST or GET about a call between two users that another
 * node placed is carried out by that node (a POST that names no such call places one here).
 */
@Injectable()
export class SipxSessionRoute implements OnModuleInit {
  private readonly logger = new Logger('SessionForwarding');

  constructor(
    private readonly routes: SessionRoutes,
    private readonly controller: SipxCallControllerService,
  ) {}

  onModuleInit(): void {
    this.routes.add({
      covers: (path) => CALLCONTROLLER.test(path),
      sessionOf: sipxPairOf,
      holds: (pair) => {
        const [calling, called] = pair.split('\u0000');
        return this.controller.keepsCallBetween(calling, called);
      },
      refuse: (res, error) => sendSipxError(res, error, this.logger),
    });
  }
}
