import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

/** GET /Extensions: paging plus an exact-match filter. */
export class ListExtensionsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: 'ExtensionNumber must be text' })
  @MaxLength(10, { message: 'ExtensionNumber must be at most 10 characters' })
  ExtensionNumber?: string;
}
