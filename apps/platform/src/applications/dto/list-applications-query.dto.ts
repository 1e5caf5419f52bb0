import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

/** GET /Applications.json: Twilio's paging and its FriendlyName filter (exact match). */
export class ListApplicationsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: 'FriendlyName must be text' })
  @MaxLength(255, { message: 'FriendlyName must be at most 255 characters' })
  FriendlyName?: string;

  /** Sent by the SDKs on later pages; the position is Page. */
  @IsOptional()
  @IsString({ message: 'PageToken must be text' })
  @MaxLength(256, { message: 'PageToken must be at most 256 characters' })
  PageToken?: string;
}
