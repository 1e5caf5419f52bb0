import { IsOptional, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

export class ListCallsQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^CA[0-9a-f]{32}$/, { message: 'ParentCallSid must be a Call sid (CA followed by 32 hex digits)' })
  ParentCallSid?: string;
}
