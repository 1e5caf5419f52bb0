import { createHash } from 'node:crypto';

/**
 * Digest realm of every SIP user the platform provisions. Stored credentials are HA1 hashes
 * (MD5 of `username:realm:password`), so changing the realm invalidates every stored credential.
 */
export const SIP_USER_REALM = 'callwright';

/** HA1 of RFC 2617 digest authentication, as Asterisk's `auth_type=md5` / `md5_cred` expects it. */
export function digestHa1(username: string, password: string, realm = SIP_USER_REALM): string {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
}

/**
 * A SIP user to provision. `id` names the endpoint and its AOR: with identification by username,
 * Asterisk matches a REGISTER or INVITE to the endpoint whose id equals the From user, and a
 * REGISTER binds the contact to the AOR named like the To user, so a phone registering as
 * `username` needs `id === username`.
 */
export interface SipUser {
  id: string;
  username: string;
  /** HA1 (see `digestHa1`) for realm SIP_USER_REALM; preferred, so no clear-text password is kept. */
  passwordHa1?: string;
  /** Clear-text password; used only when `passwordHa1` is absent. */
  password?: string;
  /** Dialplan context of calls the user places; default `from-sip`. */
  context?: string;
  /**
   * How many phones may be registered at once; default 1. When a new registration would exceed
   * it, the one that expires soonest (with equal intervals, the oldest) is dropped to make room.
   */
  maxContacts?: number;
}

/** One phone registered for a SIP user, as the registrar recorded it. */
export interface SipRegistration {
  /** The contact URI the engine sends requests to (rewritten to the address the REGISTER came from). */
  contact: string;
  /** The REGISTER's User-Agent header; null when it had none. */
  userAgent: string | null;
  /** When the registration lapses unless the phone refreshes it; null when it never does. */
  expiresAt: Date | null;
  /** Host and port of the phone's Via header, as the phone wrote them; null when unknown. */
  viaAddress: string | null;
  viaPort: number | null;
}

/** An object with the requested id exists in Asterisk but was not created by this directory. */
export class SipUserConflictError extends Error {}

/**
 * Registered SIP users (Clients and extensions) in the telephony engine, created and removed at run
 * time. Objects may vanish when the engine restarts: callers re-provision with `syncAll`.
 */
export abstract class SipUserDirectory {
  /**
   * Creates or replaces the user's credentials, AOR (`maxContacts` contacts, no qualify) and
   * endpoint; changing `maxContacts` of an existing user drops its registrations. Throws
   * SipUserConflictError when the id belongs to an object configured otherwise (a trunk, say),
   * TelephonyError when the engine cannot be reached.
   */
  abstract upsert(user: SipUser): Promise<void>;
  /** Removes the user (endpoint, AOR, credentials); a user that does not exist is not an error. */
  abstract remove(id: string): Promise<void>;
  /** Whether `id` is free or already one of this directory's users (so `upsert` would not conflict). */
  abstract isAvailable(id: string): Promise<boolean>;
  /** Contact URIs the user registered and that have not expired; [] when not registered. */
  abstract contacts(id: string): Promise<string[]>;
  /** The registrations behind `contacts`, with what the registrar knows of each (costs more to ask). */
  abstract registrations(id: string): Promise<SipRegistration[]>;
  /**
   * What the engine dials to reach the user. With several contacts registered it reaches one of
   * them, not all: ringing every phone needs one dial per contact.
   */
  abstract dialString(id: string): string;
  /** What the engine dials to reach one registered contact of the user (one phone of several). */
  abstract contactDialString(id: string, contact: string): string;

  /** Upserts every user, one after the other; returns those that failed, with the reason. */
  async syncAll(users: SipUser[]): Promise<{ id: string; error: unknown }[]> {
    const failures: { id: string; error: unknown }[] = [];
    for (const user of users) {
      try {
        await this.upsert(user);
      } catch (error) {
        failures.push({ id: user.id, error });
      }
    }
    return failures;
  }
}
