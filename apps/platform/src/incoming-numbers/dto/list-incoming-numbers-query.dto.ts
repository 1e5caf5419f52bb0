import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

/** GET /IncomingPhoneNumbers: paging plus Twilio's exact-match filters. */
export class ListIncomingNumbersQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: 'PhoneNumber must be text' })
  @MaxLength(65, { message: 'PhoneNumber must be at most 65 characters' })
  PhoneNumber?: string;

  @IsOptional()
  @IsString({ message: 'FriendlyName must be text' })
  @MaxLength(255, { message: 'FriendlyName must be at most 255 characters' })
  FriendlyName?: string;
}
