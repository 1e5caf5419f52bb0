import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/paging';
import { OptionalFriendlyName } from '../../common/validators';
import type { AccountLimits } from '../account-limits.service';
import { ACCOUNT_STATUSES, AccountStatus } from '../account-status';
import { SIP_DOMAIN_PATTERN } from '../sip-domain';

const statusMessage = `The 'Status' parameter must be one of ${ACCOUNT_STATUSES.join(', ')}`;

/** POST /Accounts: a subaccount of the main account that asks. */
export class CreateAccountDto {
  @OptionalFriendlyName()
  FriendlyName?: string;
}

/** POST /Accounts/{sid}: only the parameters sent change. */
export class UpdateAccountDto {
  @OptionalFriendlyName()
  FriendlyName?: string;

  @IsOptional()
  @IsIn(ACCOUNT_STATUSES, { message: statusMessage })
  Status?: AccountStatus;

  /** Callwright's limits (see README, Limits); ranges are checked by AccountLimitsService. */
  @OptionalLimit('Cps')
  Cps?: number;

  @OptionalLimit('MaxConcurrentCalls')
  MaxConcurrentCalls?: number;

  @OptionalLimit('MaxQueuedCalls')
  MaxQueuedCalls?: number;

  /** Where the account's extensions register; an empty value returns to the default. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString({ message: "The 'SipDomain' parameter must be text" })
  @Matches(new RegExp(`${SIP_DOMAIN_PATTERN.source}|^$`), {
    message: "The 'SipDomain' parameter must be a domain name such as pbx.example.com",
  })
  SipDomain?: string;

  /** Recording media URLs need HTTP Basic (Twilio's "Enforce HTTP Auth on Media URLs"). */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: "The 'EnforceMediaAuth' parameter must be true or false" })
  EnforceMediaAuth?: boolean;
}

/** The limit parameters that were sent, under AccountLimitsService's names. */
export function limitChanges(body: UpdateAccountDto): Partial<AccountLimits> {
  const changes: Partial<AccountLimits> = {};
  if (body.Cps !== undefined) changes.cps = body.Cps;
  if (body.MaxConcurrentCalls !== undefined) changes.maxConcurrentCalls = body.MaxConcurrentCalls;
  if (body.MaxQueuedCalls !== undefined) changes.maxQueuedCalls = body.MaxQueuedCalls;
  return changes;
}

function OptionalLimit(name: string): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))(
      target,
      key,
    );
    IsInt({ message: `The '${name}' parameter must be a whole number` })(target, key);
  };
}

/** GET /Accounts: paging plus exact-match filters. */
export class ListAccountsQueryDto extends PageQueryDto {
  @OptionalFriendlyName()
  FriendlyName?: string;

  @IsOptional()
  @IsIn(ACCOUNT_STATUSES, { message: statusMessage })
  Status?: AccountStatus;
}

/** POST /Keys and POST /Keys/{sid}. */
export class KeyFieldsDto {
  @OptionalFriendlyName()
  FriendlyName?: string;
}
