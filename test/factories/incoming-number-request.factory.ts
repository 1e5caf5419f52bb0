import { randomInt } from 'node:crypto';

/** A fresh E.164-looking number, unique enough that tests never collide on the platform-wide index. */
export const uniquePhoneNumber = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

export function buildIncomingNumberRequest(
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const request: Record<string, string | undefined> = {
    PhoneNumber: uniquePhoneNumber(),
    VoiceUrl: 'http://127.0.0.1:9/inbound.xml',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(request).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
