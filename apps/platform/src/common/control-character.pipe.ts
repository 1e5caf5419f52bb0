import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { findControlCharacters } from './control-characters';
import { DomainError, DomainErrorCode } from './domain-error';

/** Twilio's codes for the caller id and the callee; any other parameter is 21000. */
const CODE_BY_PARAMETER: Record<string, DomainErrorCode> = {
  from: DomainErrorCode.InvalidFrom,
  callerid: DomainErrorCode.InvalidFrom,
  to: DomainErrorCode.InvalidTo,
};

/**
 * Runs before validation on every body, query and path parameter: a control character anywhere is refused
 * outright, so none can reach a SIP header, Asterisk's configuration or a rendered document, whatever the
 * field's own validator allows.
 */
@Injectable()
export class ControlCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const found = findControlCharacters(value, metadata.data ?? '');
    if (found === null) return value;
    const parameter = found.split('.')[0] || found;
    throw new DomainError(
      CODE_BY_PARAMETER[parameter.toLowerCase()] ?? DomainErrorCode.InvalidParameter,
      `The '${parameter.replace(/[^\x20-\x7E]/g, '?')}' parameter must not contain control characters (CR, LF, NUL and the like)`,
    );
  }
}
