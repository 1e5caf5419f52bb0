import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class StatsQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === '' ? value : Number(value)))
  @IsInt({ message: 'hours must be a whole number from 1 to 168' })
  @Min(1, { message: 'hours must be a whole number from 1 to 168' })
  @Max(168, { message: 'hours must be a whole number from 1 to 168' })
  hours?: number;
}
