import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DomainErrorCode } from '../../common/domain-error';
import { PageQueryDto } from '../../common/paging';
import { IsHttpMethod, IsHttpUrl } from '../../common/validators';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export function OptionalBoolean(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(toBoolean),
    IsBoolean({ message: `The '${name}' parameter must be true or false` }),
  );
}

function OptionalDate(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Matches(DATE, { message: `The '${name}' parameter must be a date, YYYY-MM-DD` }),
  );
}

export function OptionalUrl(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsHttpUrl({
      message: `The '${name}' parameter must be an absolute http(s) URL`,
      context: { code: DomainErrorCode.InvalidUrl },
    }),
  );
}

/** Only GET: the platform fetches hold and announcement audio like <Play> media. */
function OptionalGetMethod(name: string): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsHttpMethod({ message: `The '${name}' parameter must be GET or POST` }),
    IsIn(['GET'], { message: `The '${name}' parameter: audio is fetched with GET only here` }),
  );
}

export const CONFERENCE_STATUSES = ['init', 'in-progress', 'completed'] as const;

/** GET /Conferences: Twilio's filters (DateCreated and its `<`/`>` forms are UTC days, inclusive). */
export class ListTwilioConferencesQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: "The 'FriendlyName' parameter must be text" })
  @MaxLength(128, { message: "The 'FriendlyName' parameter must be at most 128 characters" })
  FriendlyName?: string;

  @IsOptional()
  @IsIn(CONFERENCE_STATUSES, { message: "The 'Status' parameter must be init, in-progress or completed" })
  Status?: (typeof CONFERENCE_STATUSES)[number];

  @OptionalDate('DateCreated')
  DateCreated?: string;

  @OptionalDate('DateCreated<')
  'DateCreated<'?: string;

  @OptionalDate('DateCreated>')
  'DateCreated>'?: string;
}

/** POST /Conferences/{sid}: end it, or play an announcement to everyone in it. */
export class UpdateTwilioConferenceDto {
  @IsOptional()
  @IsIn(['completed'], { message: "The 'Status' parameter can only be completed" })
  Status?: 'completed';

  @OptionalUrl('AnnounceUrl')
  AnnounceUrl?: string;

  @OptionalGetMethod('AnnounceMethod')
  AnnounceMethod?: 'GET';
}

/** GET /Conferences/{sid}/Participants: Twilio's `Muted` and `Hold` filters. */
export class ListTwilioParticipantsQueryDto extends PageQueryDto {
  @OptionalBoolean('Muted')
  Muted?: boolean;

  @OptionalBoolean('Hold')
  Hold?: boolean;
}

/** POST /Conferences/{sid}/Participants/{CallSid}: only the parameters sent change. */
export class UpdateTwilioParticipantDto {
  @OptionalBoolean('Muted')
  Muted?: boolean;

  @OptionalBoolean('Hold')
  Hold?: boolean;

  @OptionalUrl('HoldUrl')
  HoldUrl?: string;

  @OptionalGetMethod('HoldMethod')
  HoldMethod?: 'GET';
}
