import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsOptional } from 'class-validator';
import { CreateCallDto } from '../dto/create-call.dto';

export const STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type StatusCallbackEvent = (typeof STATUS_CALLBACK_EVENTS)[number];

/**
 * `POST /2010-04-01/Accounts/{sid}/Calls.json`: RestComm's create parameters (same validation and
 * Twilio error codes) plus `StatusCallbackEvent`. The SDK repeats the parameter for each event;
 * one space-separated value is accepted too.
 */
export class TwilioCreateCallDto extends CreateCallDto {
  @IsOptional()
  @Transform(({ value }) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((item: unknown) => (typeof item === 'string' ? item.trim().split(/[\s,]+/) : [item]))
      .filter((item: unknown) => item !== ''),
  )
  @IsArray()
  @IsIn(STATUS_CALLBACK_EVENTS as unknown as string[], {
    each: true,
    message: `The 'StatusCallbackEvent' parameter must be one or more of ${STATUS_CALLBACK_EVENTS.join(', ')}`,
  })
  StatusCallbackEvent?: StatusCallbackEvent[];
}
