import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OauthGrantFieldsDto } from '../../oauth-grant.dto';

/** PortSIP's OAuth token request (form or JSON): the password grant or a refresh. */
export class TokenRequestDto extends OauthGrantFieldsDto {
  @IsIn(['password', 'refresh_token'], { message: "grant_type must be 'password' or 'refresh_token'" })
  grant_type: 'password' | 'refresh_token';

  /** Accepted as PortSIP clients send it; the platform does not need it. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;
}
