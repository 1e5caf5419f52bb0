import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { findControlCharacters } from './control-characters';
import { DomainError, DomainErrorCode } from './domain-error';

/** Twilio's codes for the caller id and the callee; any other parameter is 21000. */
const CODE_BY_PARAMETER: Record<string, DomainErrorCode> = {
  from: DomainErrorCode.InvalidFrom,
  callerid: DomainErrorCode.InvalidFrom,
  to: DomainErrorCode.InvalidTo,
};

/** Parameters holding an XML document, where tabs and line breaks are ordinary white space. */
const DOCUMENT_PARAMETERS = new Set(['twiml']);
const XML_WHITE_SPACE = /[\t\n\r]/g;

/** A body without the white space of its document parameters, for the check below. */
function withoutDocumentWhiteSpace(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) =>
      DOCUMENT_PARAMETERS.has(key.toLowerCase()) && typeof child === 'string'
        ? [key, child.replace(XML_WHITE_SPACE, ' ')]
        : [key, child],
    ),
  );
}

/**
 * Runs before validation on every body, query and path parameter: a control character anywhere is refused
 * outright, so none can reach a SIP header, Asterisk's configuration or a rendered document, whatever the
 * field's own validator allows. A document parameter (Twilio's Twiml) may hold tabs and line breaks.
 */
@Injectable()
export class ControlCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const found = findControlCharacters(
      metadata.type === 'body' ? withoutDocumentWhiteSpace(value) : value,
      metadata.data ?? '',
    );
    if (found === null) return value;
    const parameter = found.split('.')[0] || found;
    throw new DomainError(
      CODE_BY_PARAMETER[parameter.toLowerCase()] ?? DomainErrorCode.InvalidParameter,
      `The '${parameter.replace(/[^\x20-\x7E]/g, '?')}' parameter must not contain control characters (CR, LF, NUL and the like)`,
    );
  }
}
