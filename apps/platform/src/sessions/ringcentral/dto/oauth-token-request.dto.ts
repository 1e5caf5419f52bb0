import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { OauthGrantFieldsDto } from '../../oauth-grant.dto';

/** RingCentral's `POST /restapi/oauth/token` (form). */
export class OauthTokenRequestDto extends OauthGrantFieldsDto {
  @IsIn(['client_credentials', 'password', 'refresh_token'], {
    message: "grant_type must be 'client_credentials', 'password' or 'refresh_token'",
  })
  grant_type: 'client_credentials' | 'password' | 'refresh_token';

  /** Accepted as RingCentral clients send them; the platform needs none. */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  extension?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  access_token_ttl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  refresh_token_ttl?: string;
}

/** `POST /restapi/oauth/revoke` (form). */
export class OauthRevokeRequestDto {
  @IsString()
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(512)
  token: string;
}
