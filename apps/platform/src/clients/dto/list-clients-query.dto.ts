import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

/** GET /Clients: paging plus exact-match filters. */
export class ListClientsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: 'Login must be text' })
  @MaxLength(64, { message: 'Login must be at most 64 characters' })
  Login?: string;

  @IsOptional()
  @IsString({ message: 'FriendlyName must be text' })
  @MaxLength(255, { message: 'FriendlyName must be at most 255 characters' })
  FriendlyName?: string;
}
