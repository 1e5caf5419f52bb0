import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** PortSIP's OAuth token request (form or JSON): the password grant or a refresh. */
export class TokenRequestDto {
  @IsIn(['password', 'refresh_token'], { message: "grant_type must be 'password' or 'refresh_token'" })
  grant_type: 'password' | 'refresh_token';

  /** The AccountSid, or an extension number (`1001`, or `1001@<tenant domain>`). */
  @ValidateIf((request: TokenRequestDto) => request.grant_type === 'password')
  @IsString()
  @IsNotEmpty({ message: 'username is required for the password grant' })
  @MaxLength(64)
  username?: string;

  /** The account's AuthToken, or the extension's password. */
  @ValidateIf((request: TokenRequestDto) => request.grant_type === 'password')
  @IsString()
  @IsNotEmpty({ message: 'password is required for the password grant' })
  @MaxLength(128)
  password?: string;

  @ValidateIf((request: TokenRequestDto) => request.grant_type === 'refresh_token')
  @IsString()
  @IsNotEmpty({ message: 'refresh_token is required to refresh' })
  @MaxLength(512)
  refresh_token?: string;

  /** The tenant's SIP domain, for an extension's grant. */
  @IsOptional()
  @IsString()
  @MaxLength(280)
  domain?: string;

  /** Accepted as PortSIP clients send them; the platform does not need them. */

  @IsOptional()
  @IsString()
  @MaxLength(64)
  scope?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  client_id?: string;
}
