import type { Page } from 'playwright-core';
import type { RunningPlatform } from './platform';

export const consoleUrl = (platform: RunningPlatform, path = '/') => {
  const { port } = platform.app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}/console${path}`;
};

/** Signs in through the page's own form, as a person would (unless signed in), and waits for the call log. */
export async function signIn(page: Page, platform: RunningPlatform, accountSid = platform.accountSid, authToken = platform.authToken) {
  await page.goto(consoleUrl(platform, '/'));
  const heading = page.locator('h1');
  await heading.waitFor();
  // Signed in already (the session cookie): nothing to do.
  if ((await heading.textContent()) === 'Call log') return;
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

/** Where a page load's time went: the document, the bundle, and each API request (start → end, ms). */
export function loadPhases(page: Page): Promise<string> {
  return page.evaluate(() => {
    const perf = (globalThis as any).performance;
    const nav = perf.getEntriesByType('navigation')[0];
    const parts = [`document ${nav.responseEnd.toFixed(0)}`];
    for (const entry of perf.getEntriesByType('resource'))
      parts.push(`${new URL(entry.name).pathname.replace('/console/', '')} ${entry.startTime.toFixed(0)}→${entry.responseEnd.toFixed(0)}`);
    return parts.join(', ');
  });
}

/** How long the call log's request for its page took, as the browser saw it (ms). */
export function callsRequestMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const perf = (globalThis as any).performance;
    const entry = perf
      .getEntriesByType('resource')
      .find((e: any) => new URL(e.name).pathname === '/console/api/calls');
    return entry ? entry.responseEnd - entry.startTime : NaN;
  });
}
