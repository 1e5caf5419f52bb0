import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

export class UpdateParticipantDto {
  @Transform(({ value }) =>
    value === 'true' || value === true ? true : value === 'false' || value === false ? false : value,
  )
  @IsBoolean({ message: 'Muted must be true or false' })
  Muted: boolean;
}
