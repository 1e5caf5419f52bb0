import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { AccountEntity } from '../../accounts/account.entity';
import type { ActiveSession } from '../session/console-sessions.service';

/** `{accountSid, authToken}` or `{apiKeySid, apiKeySecret}`; which pair is given is checked in the controller. */
export class SignInDto {
  @IsOptional()
  @IsString()
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be AC followed by 32 hex digits' })
  accountSid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  authToken?: string;

  @IsOptional()
  @IsString()
  @Matches(/^SK[0-9a-f]{32}$/, { message: 'apiKeySid must be SK followed by 32 hex digits' })
  apiKeySid?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  apiKeySecret?: string;
}

export class SwitchAccountDto {
  @IsString()
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be AC followed by 32 hex digits' })
  accountSid: string;
}

/** An account as the console shows it: never its tokens. */
export interface ConsoleAccountDto {
  sid: string;
  friendlyName: string;
  status: string;
  parentSid: string | null;
}

export interface ConsoleSessionDto {
  csrfToken: string;
  expiresAt: string;
  credential: 'auth-token' | 'api-key';
  user: ConsoleAccountDto;
  account: ConsoleAccountDto;
  subaccounts: ConsoleAccountDto[];
}

export function toConsoleAccount(account: AccountEntity): ConsoleAccountDto {
  return {
    sid: account.sid,
    friendlyName: account.friendlyName,
    status: account.status,
    parentSid: account.parentSid,
  };
}

export function toConsoleSession(session: ActiveSession, subaccounts: AccountEntity[]): ConsoleSessionDto {
  return {
    csrfToken: session.record.csrfToken,
    expiresAt: session.record.expiresAt.toISOString(),
    credential: session.record.credential,
    user: toConsoleAccount(session.user),
    account: toConsoleAccount(session.account),
    subaccounts: subaccounts.map(toConsoleAccount),
  };
}
