import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const EXTENSION = /^[0-9]{2,10}$/;

/**
 * A registered phone of an extension, as `callFlipId`, `deviceId` and `supervisorDeviceId` name it:
 * its position in the extension's `registrations` list (1 for the first, as RingCentral numbers its
 * flip targets from 1) or its contact URI as that list shows it.
 */
const DEVICE_MAX = 512;

/** `/pickup`: who picks the parked call up (the token's own extension by default). */
export class PickupDto {
  @IsOptional()
  @IsString()
  @Matches(EXTENSION, { message: 'extensionNumber must be 2-10 digits' })
  extensionNumber?: string;

  @IsOptional()
  @IsString()
  @MaxLength(DEVICE_MAX)
  deviceId?: string;
}

/** `/flip`: the other phone of the same extension that takes the call. */
export class FlipDto {
  @IsString({ message: 'callFlipId must be a string' })
  @IsNotEmpty({ message: 'callFlipId is required' })
  @MaxLength(DEVICE_MAX)
  callFlipId: string;
}

/** `/supervise`: who listens (the supervisor's extension, optionally one of its phones) and to whom. */
export class SuperviseDto {
  @IsIn(['Listen'], { message: 'mode must be Listen' })
  mode: 'Listen';

  @IsOptional()
  @IsString()
  @Matches(EXTENSION, { message: 'extensionNumber must be 2-10 digits' })
  extensionNumber?: string;

  @IsOptional()
  @IsString()
  @MaxLength(DEVICE_MAX)
  supervisorDeviceId?: string;

  /** The monitored extension, by its id (EX sid)... */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agentExtensionId?: string;

  /** ...or by its number. */
  @IsOptional()
  @IsString()
  @Matches(EXTENSION, { message: 'agentExtensionNumber must be 2-10 digits' })
  agentExtensionNumber?: string;

  /** True (the default): the supervisor's phone is asked to answer by itself. */
  @IsOptional()
  @IsBoolean({ message: 'autoAnswer must be true or false' })
  autoAnswer?: boolean;

  @IsOptional()
  @IsIn(['sendOnly', 'sendRecv'], { message: 'mediaSDP must be sendOnly or sendRecv' })
  mediaSDP?: 'sendOnly' | 'sendRecv';
}
