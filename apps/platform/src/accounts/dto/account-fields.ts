import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/paging';
import { OptionalFriendlyName } from '../../incoming-numbers/dto/incoming-number-fields';
import { ACCOUNT_STATUSES, AccountStatus } from '../account-status';

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
