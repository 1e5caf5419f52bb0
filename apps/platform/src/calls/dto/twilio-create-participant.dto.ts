import { toInt } from '../../common/paging';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { IsHttpMethod } from '../../common/validators';
import { OptionalBoolean, OptionalUrl } from '../../dial/twilio/twilio-conference-requests.dto';
import { CallCreationParams } from './call-creation-params.dto';
import { IsTwilioCallee } from './twilio-call-params';

const code = (value: DomainErrorCode) => ({ context: { code: value } });
/**
 * POST /Conferences/{sid or name}/Participants: a call placed to `To` that joins the conference when
 * answered. Parameters Twilio documents and the platform does not act on (EarlyMedia, Coaching, Region,
 * Byoc...) are accepted and ignored, as on Calls.create.
 */
export class TwilioCreateParticipantDto extends CallCreationParams {
  @IsTwilioCallee()
  @IsNotEmpty({ message: "The 'To' parameter is required", ...code(DomainErrorCode.MissingTo) })
  To: string;

  @OptionalBoolean('Muted')
  Muted?: boolean;

  @IsOptional()
  @IsIn(['true', 'false', 'onEnter', 'onExit'], {
    message: "The 'Beep' parameter must be true, false, onEnter or onExit",
  })
  Beep?: string;

  @OptionalBoolean('StartConferenceOnEnter')
  StartConferenceOnEnter?: boolean;

  @OptionalBoolean('EndConferenceOnExit')
  EndConferenceOnExit?: boolean;

  @OptionalUrl('WaitUrl')
  WaitUrl?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: "The 'MaxParticipants' parameter must be a whole number from 2 to 250" })
  @Min(2, { message: "The 'MaxParticipants' parameter must be a whole number from 2 to 250" })
  @Max(250, { message: "The 'MaxParticipants' parameter must be a whole number from 2 to 250" })
  MaxParticipants?: number;

  @OptionalUrl('ConferenceStatusCallback')
  ConferenceStatusCallback?: string;

  @IsOptional()
  @IsHttpMethod({ message: "The 'ConferenceStatusCallbackMethod' parameter must be GET or POST" })
  ConferenceStatusCallbackMethod?: 'GET' | 'POST';

  /** Space-separated, or repeated as the SDK sends it. */
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value.join(' ') : value))
  @IsString()
  @MaxLength(200)
  ConferenceStatusCallbackEvent?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  Label?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  CallerId?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: "The 'TimeLimit' parameter must be a whole number of seconds" })
  @Min(1)
  @Max(14400)
  TimeLimit?: number;

  // Accepted, not acted on (see README, Twilio compatibility).
  @IsOptional() @IsString() EarlyMedia?: string;
  @IsOptional() @IsString() WaitMethod?: string;
  @IsOptional() @IsString() Record?: string;
  @IsOptional() @IsString() Trim?: string;
  @IsOptional() @IsString() Region?: string;
  @IsOptional() @IsString() Coaching?: string;
  @IsOptional() @IsString() CallSidToCoach?: string;
  @IsOptional() @IsString() JitterBufferSize?: string;
  @IsOptional() @IsString() Byoc?: string;
  @IsOptional() @IsString() CallReason?: string;
  @IsOptional() @IsString() RecordingTrack?: string;
  @IsOptional() @IsString() ConferenceRecord?: string;
  @IsOptional() @IsString() ConferenceTrim?: string;
}
