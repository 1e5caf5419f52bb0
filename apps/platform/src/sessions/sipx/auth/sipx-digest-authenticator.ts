import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { DigestAuthenticator } from './http-digest';

// Per process (not per instance), so two guard instances would still agree on the nonces they issued.
const PROCESS_SECRET = randomBytes(32);

/** The one Digest state of the process: nonce key and the (nonce, nc) pairs already used. */
@Injectable()
export class SipxDigestAuthenticator extends DigestAuthenticator {
  constructor(config: AppConfig) {
    super(
      config.callcontrollerDigestSecret ? Buffer.from(config.callcontrollerDigestSecret) : PROCESS_SECRET,
      config.callcontrollerNonceTtlSeconds * 1000,
    );
  }
}
