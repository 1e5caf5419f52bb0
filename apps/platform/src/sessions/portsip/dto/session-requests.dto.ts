import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** An extension number or a PSTN number, as PortSIP's caller, callee and refer_to are. */
const PARTY_NUMBER = /^\+?[0-9*#]{1,32}$/;
const partyNumber = (field: string) =>
  Matches(PARTY_NUMBER, { message: `${field} must be an extension number or a phone number (digits)` });
const EXTENSION_NUMBER = /^[0-9]{2,10}$/;
/** A display name goes into a quoted SIP display-name: no quotes, no angle brackets. */
const DISPLAY_NAME = /^[^"<>\\]{1,64}$/;

export const ADDITIONAL_HEADERS = [
  'ANSWER_MODE',
  'CALL_INFO',
  'ALERT_INFO_AUTO_ANSWER_DELAY0',
  'ALERT_INFO_AUTO_ANSWER',
  'ALERT_INFO_INTERCOM',
] as const;
export type AdditionalHeader = (typeof ADDITIONAL_HEADERS)[number];
export const HEADER_DIRECTIONS = ['CALLER', 'CALLEE', 'ALL'] as const;
export type HeaderDirection = (typeof HEADER_DIRECTIONS)[number];

/** The options of a new session, shared by `POST /api/sessions` and `GET /api/sessions/directly`. */
export class SessionOptionsDto {
  @IsString()
  @partyNumber('caller')
  caller: string;

  @IsString()
  @partyNumber('callee')
  callee: string;

  @IsOptional()
  @IsString()
  @Matches(DISPLAY_NAME, { message: 'caller_display_name must be 1-64 characters without quotes or <>' })
  caller_display_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  trunk?: string;

  @IsOptional()
  @IsString()
  @partyNumber('rewrite_from')
  rewrite_from?: string;

  @IsOptional()
  @IsString()
  @partyNumber('rewrite_pai')
  rewrite_pai?: string;

  @IsOptional()
  @IsString()
  @partyNumber('rewrite_rpi')
  rewrite_rpi?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  user_data?: string;

  @IsOptional()
  @IsIn(ADDITIONAL_HEADERS, { message: `additional_header must be one of ${ADDITIONAL_HEADERS.join(', ')}` })
  additional_header?: AdditionalHeader;

  @IsOptional()
  @IsIn(HEADER_DIRECTIONS, { message: `header_direction must be one of ${HEADER_DIRECTIONS.join(', ')}` })
  header_direction?: HeaderDirection;

  /** PortSIP 22 targets (a device of the callee); accepted, the callee's phones are rung as usual. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  target?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  target_instance_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(10)
  target_extension_number?: string;
}

/** `POST /api/sessions` (JSON). Asterisk always offers SDP: `send_sdp` is required and accepted either way. */
export class CreateSessionDto extends SessionOptionsDto {
  @IsBoolean({ message: 'send_sdp must be true or false' })
  send_sdp: boolean;
}

/** `GET /api/sessions/directly`: the same options as query parameters, with the extension's password. */
export class DirectSessionQueryDto extends SessionOptionsDto {
  @IsString()
  @Matches(EXTENSION_NUMBER, { message: 'extension_number must be 2-10 digits' })
  extension_number: string;

  @IsString()
  @IsNotEmpty({ message: 'password is required' })
  @MaxLength(128)
  password: string;

  @IsString()
  @IsNotEmpty({ message: 'domain is required' })
  @MaxLength(253)
  domain: string;

  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'send_sdp must be true or false' })
  send_sdp: boolean;
}

/** `/hold`, `/unhold`: which leg of the session (by its extension or phone number). */
export class LegActionDto {
  @IsString()
  @partyNumber('extension_number')
  extension_number: string;
}

/** `/refer`: the other party of the extension's leg goes to `refer_to`. */
export class ReferDto extends LegActionDto {
  @IsString()
  @partyNumber('refer_to')
  refer_to: string;
}

/** `/attended_refer`: each of the extension's two calls by session id, or else by the other party's number. */
export class AttendedReferDto extends LegActionDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  session_1?: string;

  @IsOptional()
  @IsString()
  @Matches(/^(?:\+?[0-9*#]{1,32})?$/, { message: 'refer_to_1 must be a number or empty' })
  refer_to_1?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  session_2?: string;

  @IsOptional()
  @IsString()
  @Matches(/^(?:\+?[0-9*#]{1,32})?$/, { message: 'refer_to_2 must be a number or empty' })
  refer_to_2?: string;
}
