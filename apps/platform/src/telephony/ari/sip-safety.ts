import { hasControlCharacters } from '../../common/control-characters';
import { OriginateRequest, TelephonyError } from '../telephony-gateway.port';

/**
 * The last line of defence against SIP header injection: the API and RCML layers refuse control characters
 * already, and nothing that holds one is ever handed to Asterisk.
 */
export function assertSipSafe(request: OriginateRequest): void {
  const target = request.target;
  const fields: Array<[string, string]> = [
    ['caller id', request.callerId],
    [
      'target',
      target.kind === 'sip' ? target.uri : target.kind === 'number' ? target.number : target.dialString,
    ],
    ...Object.entries(request.headers ?? {}).flatMap(([name, value]): Array<[string, string]> => [
      ['header name', name],
      [`header ${name}`, value],
    ]),
  ];
  for (const [what, value] of fields) {
    if (hasControlCharacters(value))
      throw new TelephonyError(`Refused to originate: the ${what} holds control characters`);
  }
}
