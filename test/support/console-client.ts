import type { RunningPlatform } from './platform';

/** A signed-in console: its cookie (as the browser would send it back) and its CSRF token. */
export interface ConsoleLogin {
  cookie: string;
  csrf: string;
  body: Record<string, any>;
  setCookie: string;
}

/** Signs in to the console; `credentials` default to the platform's bootstrap account. */
export async function consoleSignIn(
  platform: RunningPlatform,
  credentials: Record<string, string> = { accountSid: platform.accountSid, authToken: platform.authToken },
): Promise<ConsoleLogin> {
  const res = await platform.http().post('/console/api/session').send(credentials).expect(201);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';
  return { cookie: setCookie.split(';')[0], csrf: res.body.csrfToken, body: res.body, setCookie };
}

/** GET as the signed-in console. */
export function consoleGet(platform: RunningPlatform, login: ConsoleLogin, path: string) {
  return platform.http().get(path).set('Cookie', login.cookie);
}

/** POST as the signed-in console, with its CSRF token. */
export function consolePost(platform: RunningPlatform, login: ConsoleLogin, path: string, body: object = {}) {
  return platform.http().post(path).set('Cookie', login.cookie).set('X-CSRF-Token', login.csrf).send(body);
}
