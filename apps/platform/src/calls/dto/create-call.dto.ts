import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl, IsSipUri, OptionalStatusCallbackEvents } from '../../common/validators';
import type { ProgressEvent } from '../../common/progress-events';
import { MachineDetectionParams } from './machine-detection.dto';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

/** POST /Calls. Parameter names are the API's own (PascalCase), as RestComm and Twilio clients send them. */
export class CreateCallDto extends MachineDetectionParams {
  @MaxLength(255, code(DomainErrorCode.MissingFrom))
  @IsString(code(DomainErrorCode.MissingFrom))
  @IsNotEmpty({ message: "The 'From' parameter is required", ...code(DomainErrorCode.MissingFrom) })
  From: string;

  // class-validator runs the lowest decorator first; with stopAtFirstError, presence is checked first.
  @IsSipUri(code(DomainErrorCode.InvalidTo))
  @IsNotEmpty({ message: "The 'To' parameter is required", ...code(DomainErrorCode.MissingTo) })
  To: string;

  @IsHttpUrl({
    message: "The 'Url' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  @IsNotEmpty({ message: "The 'Url' parameter is required", ...code(DomainErrorCode.InvalidUrl) })
  Url: string;

  @IsOptional()
  @IsHttpMethod()
  Method: 'GET' | 'POST' = 'POST';

  @IsOptional()
  @IsHttpUrl({
    message: "The 'FallbackUrl' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  FallbackUrl?: string;

  @IsOptional()
  @IsHttpMethod()
  FallbackMethod: 'GET' | 'POST' = 'POST';

  @IsOptional()
  @IsHttpUrl({
    message: "The 'StatusCallback' parameter must be an absolute http(s) URL",
    ...code(DomainErrorCode.InvalidUrl),
  })
  StatusCallback?: string;

  @IsOptional()
  @IsHttpMethod()
  StatusCallbackMethod: 'GET' | 'POST' = 'POST';

  /**
   * Which progress events go to StatusCallback (default: completed only). Twilio's SDKs repeat the
   * parameter once per event; one space- or comma-separated value is accepted too.
   */
  @OptionalStatusCallbackEvents()
  StatusCallbackEvent?: ProgressEvent[];

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: "The 'Timeout' parameter must be a whole number of seconds" })
  @Min(1, { message: "The 'Timeout' parameter must be between 1 and 600" })
  @Max(600, { message: "The 'Timeout' parameter must be between 1 and 600" })
  Timeout = 60;
}
