import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { BasicAuthGuard } from '../accounts/basic-auth.guard';

/** `RE` + 32 hex digits + `.wav`: the audio of a recording, as opposed to its metadata. */
export const RECORDING_MEDIA = /^(RE[0-9a-f]{32})\.wav$/;

/**
 * HTTP Basic on every Recordings route except the audio itself (`/Recordings/{RecordingSid}.wav`).
 *
 * The audio is served without credentials, as Twilio (by default) and RestComm do: the
 * RecordingUrl handed to app servers and media players must be fetchable as it is, and players
 * (browsers' <audio>, Asterisk's Play, other telephony servers) cannot send an account's token.
 * What protects it is the RecordingSid, 128 random bits that only the owning account learns
 * (in its Record action request, recording callbacks, or this authenticated API), and the
 * AccountSid in the path, which must match the recording's account. Metadata and listings, which
 * would reveal sids, stay behind Basic auth.
 */
@Injectable()
export class RecordingAccessGuard implements CanActivate {
  constructor(private readonly basicAuth: BasicAuthGuard) {}

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const target = req.params.recording;
    if (typeof target === 'string' && RECORDING_MEDIA.test(target)) return true;
    return this.basicAuth.canActivate(context);
  }
}
