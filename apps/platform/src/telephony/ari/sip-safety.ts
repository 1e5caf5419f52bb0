import { hasControlCharacters } from '../../common/control-characters';
import { DialTarget, OriginateRequest, TelephonyError } from '../telephony-gateway.port';

const targetText = (target: DialTarget) =>
  target.kind === 'sip' ? target.uri : target.kind === 'number' ? target.number : target.dialString;

/**
 * The last line of defence against SIP header injection: the API and RCML layers refuse control characters
 * already, and nothing that holds one is ever handed to Asterisk.
 */
export function assertSipSafe(request: OriginateRequest): void {
  const fields: Array<[string, string]> = [
    ['caller id', request.callerId],
    ['target', targetText(request.target)],
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

/** The same defence for a phone sent elsewhere (`redirect`): the target lands in its REFER's Refer-To. */
export function assertSipSafeTarget(target: DialTarget): void {
  if (hasControlCharacters(targetText(target)))
    throw new TelephonyError('Refused to redirect: the target holds control characters');
}
