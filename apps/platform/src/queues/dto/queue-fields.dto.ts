import { toInt } from '../../common/paging';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';

/** Twilio's limits: a queue name of at most 64 characters, MaxSize up to 5000 (1000 by default). */
export const DEFAULT_MAX_SIZE = 1000;
export const MAX_MAX_SIZE = 5000;

function OptionalMaxSize(): PropertyDecorator {
  const message = `The 'MaxSize' parameter must be a whole number from 1 to ${MAX_MAX_SIZE}`;
  return (target, key) => {
    IsOptional()(target, key);
    Transform(toInt)(target, key);
    IsInt({ message })(target, key);
    Min(1, { message })(target, key);
    Max(MAX_MAX_SIZE, { message })(target, key);
  };
}

function QueueName(): PropertyDecorator {
  return (target, key) => {
    IsString({ message: "The 'FriendlyName' parameter must be text" })(target, key);
    MaxLength(64, { message: "The 'FriendlyName' parameter must be at most 64 characters" })(target, key);
    Matches(/\S/, { message: "The 'FriendlyName' parameter must not be empty" })(target, key);
  };
}

/** POST /Queues: FriendlyName is required. */
export class CreateQueueDto {
  @QueueName()
  FriendlyName: string;

  @OptionalMaxSize()
  MaxSize?: number;
}

/** POST /Queues/{QueueSid}: only the parameters sent change. */
export class UpdateQueueDto {
  @IsOptional()
  @QueueName()
  FriendlyName?: string;

  @OptionalMaxSize()
  MaxSize?: number;
}

/** POST /Queues/{QueueSid}/Members/{CallSid|Front}: dequeues the member to `Url`. */
export class DequeueMemberDto {
  @IsHttpUrl({
    message: "The 'Url' parameter must be an absolute http(s) URL",
    context: { code: DomainErrorCode.InvalidUrl },
  })
  Url: string;

  @IsOptional()
  @IsHttpMethod()
  Method?: 'GET' | 'POST';
}
