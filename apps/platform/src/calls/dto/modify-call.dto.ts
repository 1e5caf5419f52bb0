import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** POST /Calls/{CallSid}: live modification of a call. */
export class ModifyCallDto {
  @IsOptional()
  @IsHttpUrl({
    message: "The 'Url' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  Url?: string;

  @IsOptional()
  @IsHttpMethod()
  Method?: 'GET' | 'POST';

  @IsOptional()
  @IsHttpUrl({
    message: "The 'FallbackUrl' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  FallbackUrl?: string;

  @IsOptional()
  @IsHttpMethod()
  FallbackMethod?: 'GET' | 'POST';

  @IsOptional()
  @IsHttpUrl({
    message: "The 'StatusCallback' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  StatusCallback?: string;

  @IsOptional()
  @IsHttpMethod()
  StatusCallbackMethod?: 'GET' | 'POST';

  @IsOptional()
  @IsIn(['canceled', 'completed'], { message: "The 'Status' parameter must be canceled or completed" })
  Status?: 'canceled' | 'completed';

  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value.toLowerCase() === 'true'
        ? true
        : value.toLowerCase() === 'false'
          ? false
          : value
      : value,
  )
  @IsBoolean({ message: "The 'MoveConnectedCallLeg' parameter must be true or false" })
  MoveConnectedCallLeg?: boolean;
}
