import { IsString, Matches, MaxLength } from 'class-validator';

/** `q`: a CallSid, or a SIP Call-ID as the phone or carrier sent it. */
export class CallSearchDto {
  @IsString()
  @MaxLength(255)
  @Matches(/\S/, { message: 'q must be a CallSid or a SIP Call-ID' })
  q: string;
}
