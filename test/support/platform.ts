import { LiveCallsService } from '../../apps/platform/src/calls/live-calls.service';
import { INestApplication, InjectionToken, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/platform/src/app.module';
import { AppConfig, loadConfig } from '../../apps/platform/src/config/app-config';
import { configureApp } from '../../apps/platform/src/configure-app';
import { TelephonyGateway } from '../../apps/platform/src/telephony/telephony-gateway.port';
import { SipUserDirectory } from '../../apps/platform/src/telephony/sip-user-directory.port';
import { createTestDatabase, usesPostgres } from './postgres-database';

export interface RunningPlatform {
  app: INestApplication;
  accountSid: string;
  authToken: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The real application (real database file, real ARI connection to the Asterisk that `npm test`
 * started) on an ephemeral port.
 */
export async function startPlatform(
  env: Record<string, string> = {},
  options: {
    waitForAri?: boolean;
    /** Medium tests: the shared fake in place of Asterisk (then no ARI connection is waited for). */
    gateway?: TelephonyGateway;
    /** Medium tests: SIP users (Clients, extensions) kept in memory rather than in Asterisk. */
    sipUsers?: SipUserDirectory;
    /** Modules the application does not import (yet), imported beside it. */
    imports?: Type[];
    /** Tokens bound to these values, whether the application binds them or not. */
    replace?: Array<{ provide: InjectionToken; useValue: unknown }>;
  } = {},
): Promise<RunningPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callwright-e2e-'));
  const accountSid = 'AC' + randomBytes(16).toString('hex');
  const authToken = randomBytes(16).toString('hex');
  // Asterisk fetches speech and media from the platform, so its public URL must name the real port.
  const port = await freePort();
  // On PostgreSQL (the postgres test projects) each platform gets a fresh database, dropped at close.
  const database = usesPostgres() && !env.DATABASE_URL ? await createTestDatabase() : undefined;
  const config = loadConfig({
    ...process.env,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: join(dataDir, 'callwright.sqlite'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    MEDIA_PATH: join(dataDir, 'media'),
    RECORDINGS_PATH: join(dataDir, 'recordings'),
    BOOTSTRAP_ACCOUNT_SID: accountSid,
    BOOTSTRAP_AUTH_TOKEN: authToken,
    LOG_LEVEL: 'warn',
    // No pino-pretty worker thread per test platform.
    LOG_FORMAT: 'json',
    // Each test file's calls end with its platform, as they did before calls outlived a restart.
    DRAIN_ON_STOP: 'true',
    DRAIN_TIMEOUT_S: '0',
    ...env,
  });
  let builder = Test.createTestingModule({
    imports: [AppModule, ...(options.imports ?? [])],
    providers: options.replace ?? [],
  })
    .overrideProvider(AppConfig)
    .useValue(config);
  for (const { provide, useValue } of options.replace ?? [])
    builder = builder.overrideProvider(provide).useValue(useValue);
  if (options.gateway) builder = builder.overrideProvider(TelephonyGateway).useValue(options.gateway);
  if (options.sipUsers) builder = builder.overrideProvider(SipUserDirectory).useValue(options.sipUsers);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  // A postgres project that silently fell back to SQLite would prove nothing.
  if (database && app.get(DataSource).options.type !== 'postgres')
    throw new Error('DATABASE_TYPE=postgres, yet the platform did not open PostgreSQL');
  configureApp(app);
  await app.listen(port, '127.0.0.1');
  if (options.waitForAri !== false && !options.gateway) {
    await waitUntil(() => app.get(TelephonyGateway).isConnected(), 15000, 'ARI connection');
    // Records a test seeds next must not be taken for calls a previous process left live.
    await app.get(LiveCallsService).recovered();
  }
  return {
    app,
    accountSid,
    authToken,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
