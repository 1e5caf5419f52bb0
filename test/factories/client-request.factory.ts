import { randomBytes } from 'node:crypto';

/** A fresh Login, unique enough that tests never collide on the platform-wide index or in Asterisk. */
export const uniqueLogin = (prefix = 'alice') => `${prefix}-${randomBytes(5).toString('hex')}`;

export function buildClientRequest(
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const request: Record<string, string | undefined> = {
    Login: uniqueLogin(),
    Password: 'correct-horse-42',
    VoiceUrl: 'http://127.0.0.1:9/client.xml',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(request).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
