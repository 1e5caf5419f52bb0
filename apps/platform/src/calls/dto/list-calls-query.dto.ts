import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export class ListCallsQueryDto {
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'Page must be a whole number' })
  @Min(0, { message: 'Page must be 0 or greater' })
  Page = 0;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PageSize must be a whole number' })
  @Min(1, { message: 'PageSize must be between 1 and 1000' })
  @Max(1000, { message: 'PageSize must be between 1 and 1000' })
  PageSize = 50;
}
