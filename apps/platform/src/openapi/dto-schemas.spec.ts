import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsHttpUrl } from '../common/validators';
import { dtoSchema } from './dto-schemas';

class ExampleDto {
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z]+$/)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  size?: number;

  @IsOptional()
  @IsIn(['a', 'b'], { each: true })
  letters?: string[];

  @IsOptional()
  @IsHttpUrl()
  url?: string;
}

describe('dtoSchema', () => {
  it('turns class-validator rules into a JSON schema', () => {
    expect(dtoSchema(ExampleDto)).toEqual({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', maxLength: 64, pattern: '^[a-z]+$' },
        size: { type: 'integer', minimum: 1, maximum: 10 },
        letters: { type: 'array', items: { enum: ['a', 'b'] } },
        url: { type: 'string', format: 'uri', maxLength: 2048 },
      },
    });
  });

  it('gives a class without rules an empty object schema', () => {
    expect(dtoSchema(class Empty {})).toEqual({ type: 'object', properties: {} });
  });
});
