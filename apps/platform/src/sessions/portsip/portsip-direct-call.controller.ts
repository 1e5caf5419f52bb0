import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../../common/domain-error';
import { ExtensionsService } from '../../extensions/extensions.service';
import { DirectSessionQueryDto } from './dto/session-requests.dto';
import { PortsipExceptionFilter } from './portsip-exception.filter';
import { PortsipSessionsService } from './portsip-sessions.service';

/**
 * `GET /api/sessions/directly`: click-to-call from a URL pasted into a device that cannot log in, with the
 * extension's own password instead of a token. Registered before the sessions controller, so that
 * `directly` is never taken for a session id.
 */
@Controller('api/sessions/directly')
@UseFilters(PortsipExceptionFilter)
export class PortsipDirectCallController {
  constructor(
    private readonly extensions: ExtensionsService,
    private readonly sessions: PortsipSessionsService,
  ) {}

  @Get()
  async call(@Query() query: DirectSessionQueryDto): Promise<{ id: string }> {
    const { extension_number, password, domain, ...options } = query;
    const extension = await this.extensions.authenticate(domain, extension_number, password);
    if (!extension)
      throw new DomainError(
        DomainErrorCode.AuthenticationRequired,
        'The extension_number, password or domain is wrong',
      );
    return this.sessions.create(
      { accountSid: extension.account.sid, extensionNumber: extension.extension.extensionNumber },
      options,
    );
  }
}
