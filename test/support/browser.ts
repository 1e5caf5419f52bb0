import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (scripts/system-packages.mjs installs it); Playwright's own downloads are never used. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Screenshots of the browser tests, under the test output (.test-results/console/). */
export const SCREENSHOTS = join(__dirname, '..', '..', '.test-results', 'console');

const ROOT = join(__dirname, '..', '..');

/** `npm test` builds the console first; a plain `npx jest` run builds it here when it is missing. */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'dist', 'console', 'index.html'))) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the web console failed');
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as .test-results/console/<name>.png. */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real headless Chromium with a fresh profile, offline from everything but the platform: no
 * component updates, sync or background fetches, so nothing leaves the machine and runs are repeatable.
 */
export async function startBrowser(options: { width?: number; height?: number } = {}): Promise<Browser> {
  ensureConsoleBuilt();
  const profile = mkdtempSync(join(tmpdir(), 'callwright-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      // <audio> plays without a user gesture in the tests.
      '--autoplay-policy=no-user-gesture-required',
    ],
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    timeout: 30000,
  });
  // Fail a step within 10 s with Playwright's own message, well before Jest's test timeout.
  context.setDefaultTimeout(10000);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    screenshot: async (name, target = page) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await target.screenshot({ path, fullPage: true });
      return path;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
