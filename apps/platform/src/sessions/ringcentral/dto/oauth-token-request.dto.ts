import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** RingCentral's `POST /restapi/oauth/token` (form). */
export class OauthTokenRequestDto {
  @IsIn(['client_credentials', 'password', 'refresh_token'], {
    message: "grant_type must be 'client_credentials', 'password' or 'refresh_token'",
  })
  grant_type: 'client_credentials' | 'password' | 'refresh_token';

  /** An extension number: `1001@<sip domain>`, or `1001` with Basic account credentials or `domain`. */
  @ValidateIf((request: OauthTokenRequestDto) => request.grant_type === 'password')
  @IsString()
  @IsNotEmpty({ message: 'username is required for the password grant' })
  @MaxLength(300)
  username?: string;

  /** The extension's password. */
  @ValidateIf((request: OauthTokenRequestDto) => request.grant_type === 'password')
  @IsString()
  @IsNotEmpty({ message: 'password is required for the password grant' })
  @MaxLength(128)
  password?: string;

  @ValidateIf((request: OauthTokenRequestDto) => request.grant_type === 'refresh_token')
  @IsString()
  @IsNotEmpty({ message: 'refresh_token is required to refresh' })
  @MaxLength(512)
  refresh_token?: string;

  /** The tenant's SIP domain, when neither the username nor Basic credentials name it. */
  @IsOptional()
  @IsString()
  @MaxLength(253)
  domain?: string;

  /** Accepted as RingCentral clients send them; the platform needs neither. */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  extension?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;

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
