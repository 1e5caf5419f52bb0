import type { Page } from 'playwright-core';
import type { RunningPlatform } from './platform';

export const consoleUrl = (platform: RunningPlatform, path = '/') => {
  const { port } = platform.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}/console${path}`;
};

/** Signs in through the page's own form, as a person would, and waits for the call log. */
export async function signIn(page: Page, platform: RunningPlatform, accountSid = platform.accountSid, authToken = platform.authToken) {
  await page.goto(consoleUrl(platform, '/'));
  await page.getByLabel('Account SID', { exact: true }).fill(accountSid);
  await page.getByLabel('Auth token', { exact: true }).fill(authToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Call log', level: 1 }).waitFor();
}

/** The CallSids of the call-log table, top to bottom. */
export function tableSids(page: Page, table = 'table.calls[data-state=ready]'): Promise<string[]> {
  return page.$$eval(`${table} tbody tr[data-sid]`, (rows) => rows.map((row) => row.getAttribute('data-sid')!));
}

/** Milliseconds from navigation start to the call log's rows on screen (its `console:calls-ready` mark). */
export async function callLogReadyMs(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('console:calls-ready').length > 0, undefined, { timeout: 30000 });
  return page.evaluate(() => performance.getEntriesByName('console:calls-ready')[0].startTime);
}
