import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpUrl } from '../../common/validators';

/** Redirect a live call to new RCML: the Calls API's `Url` and `Method`, with its URL rules. */
export class RedirectDto {
  @IsHttpUrl({
    message: 'url must be an absolute http(s) URL',
    context: { code: DomainErrorCode.InvalidUrl },
  })
  url: string;

  @IsOptional()
  @IsIn(['GET', 'POST'], { message: 'method must be GET or POST' })
  method?: 'GET' | 'POST';
}

/** An extension of the account, or a phone number (through the trunk). */
export class PhoneTargetDto {
  @IsString()
  @Matches(/^\+?[0-9*#]{2,32}$/, { message: 'to must be an extension or a phone number' })
  to: string;
}
