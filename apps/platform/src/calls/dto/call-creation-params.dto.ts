import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl, OptionalStatusCallbackEvents } from '../../common/validators';
import type { ProgressEvent } from '../../common/progress-events';
import { MachineDetectionParams } from './machine-detection.dto';

const code = (value: DomainErrorCode) => ({ context: { code: value } });

/**
 * The parameters of POST /Calls that RestComm's and Twilio's APIs share (To and Url, whose rules differ,
 * are the subclasses'). Names are the APIs' own (PascalCase), as their clients send them.
 */
export class CallCreationParams extends MachineDetectionParams {
  @MaxLength(255, code(DomainErrorCode.MissingFrom))
  @IsString(code(DomainErrorCode.MissingFrom))
  @IsNotEmpty({ message: "The 'From' parameter is required", ...code(DomainErrorCode.MissingFrom) })
  From: string;

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
