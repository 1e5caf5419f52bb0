import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccountsService } from '../accounts/accounts.service';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';
import { sidPattern } from '../common/sid';
import { requestedRecordingMedia } from './recording-media';

/**
 * HTTP Basic on every Recordings route except the audio itself (`/Recordings/{RecordingSid}.wav`
 * and `.mp3`; on Twilio's paths also the bare `/Recordings/{RecordingSid}`), unless the account
 * enforces media auth.
 *
 * The audio is served without credentials by default, as Twilio and RestComm do: the RecordingUrl
 * handed to app servers and media players must be fetchable as it is (`RecordingUrl + ".mp3"` is the
 * habit of every Twilio sample), and players (browsers' <audio>, Asterisk's Play, other telephony
 * servers) cannot send an account's token. What protects it is the RecordingSid, 128 random bits that
 * only the owning account learns (in its Record action request, recording callbacks, or this
 * authenticated API), and the AccountSid in the path, which must match the recording's account.
 * Metadata and listings, which would reveal sids, stay behind Basic auth. An account with
 * `EnforceMediaAuth=true` (Twilio's "Enforce HTTP Auth on Media URLs") gets Basic auth on the audio too.
 */
@Injectable()
export class RecordingAccessGuard implements CanActivate {
  constructor(
    private readonly basicAuth: BasicAuthGuard,
    private readonly accounts: AccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (requestedRecordingMedia(req) && !(await this.enforcesMediaAuth(req.params.accountSid))) return true;
    return this.basicAuth.canActivate(context);
  }

  private async enforcesMediaAuth(accountSid: unknown): Promise<boolean> {
    if (typeof accountSid !== 'string' || !sidPattern('AC').test(accountSid)) return false;
    return (await this.accounts.findBySid(accountSid))?.enforceMediaAuth === true;
  }
}
