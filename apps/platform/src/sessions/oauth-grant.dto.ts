import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

const isPasswordGrant = (request: OauthGrantFieldsDto) => request.grant_type === 'password';
const isRefresh = (request: OauthGrantFieldsDto) => request.grant_type === 'refresh_token';

/**
 * The fields the PBX facades' OAuth token endpoints share (PortSIP's and RingCentral's): the password
 * grant's credentials, the refresh token, the tenant's domain and the scope. Each facade declares its
 * own `grant_type` values and the fields only its clients send.
 */
export abstract class OauthGrantFieldsDto {
  abstract grant_type: string;

  /** An AccountSid (PortSIP) or an extension number: `1001`, or `1001@<sip domain>`. */
  @ValidateIf(isPasswordGrant)
  @IsString()
  @IsNotEmpty({ message: 'username is required for the password grant' })
  @MaxLength(300)
  username?: string;

  /** The account's AuthToken, or the extension's password. */
  @ValidateIf(isPasswordGrant)
  @IsString()
  @IsNotEmpty({ message: 'password is required for the password grant' })
  @MaxLength(128)
  password?: string;

  @ValidateIf(isRefresh)
  @IsString()
  @IsNotEmpty({ message: 'refresh_token is required to refresh' })
  @MaxLength(512)
  refresh_token?: string;

  /** The tenant's SIP domain, for an extension's grant when the username does not name it. */
  @IsOptional()
  @IsString()
  @MaxLength(253)
  domain?: string;

  /** Accepted as clients send it; the platform needs none. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;
}
