import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

const NUMBER = /^\+?[0-9*#]{1,32}$/;
const EXTENSION = /^[0-9]{2,10}$/;

/** Whom a call-out, transfer or forward rings: an extension of the account or a phone number. */
export class PartyTargetDto {
  @IsOptional()
  @IsString()
  @Matches(NUMBER, { message: 'phoneNumber must be a phone number (digits, optional +)' })
  phoneNumber?: string;

  @IsOptional()
  @IsString()
  @Matches(EXTENSION, { message: 'extensionNumber must be 2-10 digits' })
  extensionNumber?: string;
}

/** The agent's side of a call-out: its extension, or (with an extension token) one of its devices. */
export class CallOutFromDto {
  @IsOptional()
  @IsString()
  @Matches(EXTENSION, { message: 'from.extensionNumber must be 2-10 digits' })
  extensionNumber?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  deviceId?: string;
}

export class CallOutDto {
  @ValidateNested()
  @Type(() => CallOutFromDto)
  from: CallOutFromDto;

  @ValidateNested()
  @Type(() => PartyTargetDto)
  to: PartyTargetDto;
}

export class PartyUpdateDto {
  @IsBoolean({ message: 'muted must be true or false' })
  muted: boolean;
}

/** `/bridge`: the party of another session to connect this party with. */
export class BridgeDto {
  @IsString()
  @IsNotEmpty({ message: 'telephonySessionId is required' })
  @MaxLength(64)
  telephonySessionId: string;

  @IsString()
  @IsNotEmpty({ message: 'partyId is required' })
  @MaxLength(64)
  partyId: string;
}
