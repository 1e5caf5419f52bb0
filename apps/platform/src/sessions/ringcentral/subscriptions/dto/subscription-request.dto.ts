import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { invalidParameterMessage } from '../subscription-errors';

/** A subscription filters at most this many event kinds; RingCentral's own limit is not documented. */
export const MAX_EVENT_FILTERS = 20;

/** Header-safe: visible ASCII only, as long as RingCentral allows. */
const TOKEN = /^[\x21-\x7e]{1,64}$/;

const invalid = (name: string) => ({ message: invalidParameterMessage(name) });

export class DeliveryModeDto {
  @IsIn(['WebHook'], {
    message: 'Parameter [deliveryMode.transportType] value is invalid: only WebHook is supported',
  })
  transportType: string;

  @MaxLength(2048, invalid('deliveryMode.address'))
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    invalid('deliveryMode.address'),
  )
  address: string;

  /** Older RingCentral documents' name of the token sent back with every notification. */
  @IsOptional()
  @Matches(TOKEN, invalid('deliveryMode.verificationToken'))
  verificationToken?: string;

  /** The same token, by the name the newer documents give it. */
  @IsOptional()
  @Matches(TOKEN, invalid('deliveryMode.validationToken'))
  validationToken?: string;

  /** RingCentral clients send `encryption: false`; encrypted WebHook payloads are not offered. */
  @IsOptional()
  @Equals(false, invalid('deliveryMode.encryption'))
  encryption?: boolean;
}

export class CreateSubscriptionDto {
  @IsString({ each: true, ...invalid('eventFilters') })
  @MaxLength(512, { each: true, ...invalid('eventFilters') })
  @ArrayMaxSize(MAX_EVENT_FILTERS, invalid('eventFilters'))
  @ArrayNotEmpty(invalid('eventFilters'))
  @IsArray(invalid('eventFilters'))
  eventFilters: string[];

  @ValidateNested()
  @Type(() => DeliveryModeDto)
  @IsObject(invalid('deliveryMode'))
  deliveryMode: DeliveryModeDto;

  /** Seconds; capped at RingCentral's maximum for WebHook subscriptions. */
  @IsOptional()
  @Min(1, invalid('expiresIn'))
  @IsInt(invalid('expiresIn'))
  expiresIn?: number;
}

/** PUT: an empty body renews; filters, delivery mode and lifetime each replace what was there. */
export class UpdateSubscriptionDto {
  @IsOptional()
  @IsString({ each: true, ...invalid('eventFilters') })
  @MaxLength(512, { each: true, ...invalid('eventFilters') })
  @ArrayMaxSize(MAX_EVENT_FILTERS, invalid('eventFilters'))
  @ArrayNotEmpty(invalid('eventFilters'))
  @IsArray(invalid('eventFilters'))
  eventFilters?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => DeliveryModeDto)
  @IsObject(invalid('deliveryMode'))
  deliveryMode?: DeliveryModeDto;

  @IsOptional()
  @Min(1, invalid('expiresIn'))
  @IsInt(invalid('expiresIn'))
  expiresIn?: number;
}
