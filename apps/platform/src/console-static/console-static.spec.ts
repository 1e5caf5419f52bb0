import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CONSOLE_CSP, defaultConsoleDir } from './console-static.middleware';
import { ConsoleStaticModule } from './console-static.module';

@Controller('console/api')
class FakeConsoleApi {
  @Get('session')
  session() {
    return { api: true };
  }
}

describe('ConsoleStaticModule (the built console at /console)', () => {
  let app: INestApplication;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'index-abc123.css'), 'body{}');
    process.env.CONSOLE_DIR = dir;
    const moduleRef = await Test.createTestingModule({
      imports: [ConsoleStaticModule],
      controllers: [FakeConsoleApi],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    delete process.env.CONSOLE_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for the root and every deep link, revalidated each time, with a self-only CSP', async () => {
    for (const path of ['/console/', '/console/calls', '/console/calls/CA0123456789abcdef0123456789abcdef']) {
      const response = await request(app.getHttpServer()).get(path).expect(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.text).toContain('<div id="app">');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONSOLE_CSP).not.toMatch(/https?:|\*|unsafe/);
    await request(app.getHttpServer()).get('/console').expect(301).expect('Location', '/console/');
  });

  it("preloads the call log's first page on the call log's paths only, with the page's own query", async () => {
    const root = await request(app.getHttpServer()).get('/console/').expect(200);
    expect(root.headers.link).toBe('</console/api/calls>; rel=preload; as=fetch; crossorigin=anonymous');
    const filtered = await request(app.getHttpServer()).get('/console/calls?Status=busy&PageSize=20').expect(200);
    expect(filtered.headers.link).toBe(
      '</console/api/calls?Status=busy&PageSize=20>; rel=preload; as=fetch; crossorigin=anonymous',
    );
    const live = await request(app.getHttpServer()).get('/console/live').expect(200);
    expect(live.headers.link).toBeUndefined();
  });

  it('serves hashed assets with their type, cached for a year, and 304 on a matching ETag', async () => {
    const js = await request(app.getHttpServer()).get('/console/assets/index-abc123.js').expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.text).toBe('console.log(1)');
    await request(app.getHttpServer())
      .get('/console/assets/index-abc123.css')
      .expect(200)
      .expect('Content-Type', 'text/css; charset=utf-8');
    await request(app.getHttpServer())
      .get('/console/assets/index-abc123.js')
      .set('If-None-Match', js.headers.etag)
      .expect(304);
  });

  it('answers a missing asset with 404, not with the page', async () => {
    await request(app.getHttpServer()).get('/console/assets/index-gone.js').expect(404);
  });

  it('never serves a file outside the build folder', async () => {
    writeFileSync(join(dir, '..', 'console-static-secret.txt'), 'secret');
    try {
      for (const path of ['/console/../console-static-secret.txt', '/console/%2e%2e/console-static-secret.txt']) {
        const response = await request(app.getHttpServer()).get(path);
        expect(response.text).not.toContain('secret');
      }
    } finally {
      rmSync(join(dir, '..', 'console-static-secret.txt'), { force: true });
    }
  });

  it('leaves /console/api to the console API and other paths alone', async () => {
    await request(app.getHttpServer()).get('/console/api/session').expect(200, { api: true });
    await request(app.getHttpServer()).get('/console/api/nothing').expect(404);
    await request(app.getHttpServer()).get('/consoleX').expect(404);
    await request(app.getHttpServer()).post('/console/calls').expect(404);
  });

  it('finds dist/console at the repository root from the source and from dist/', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    expect(defaultConsoleDir()).toBe(join(root, 'dist', 'console'));
    expect(defaultConsoleDir(join(root, 'dist', 'apps', 'platform', 'src', 'console-static'))).toBe(join(root, 'dist', 'console'));
  });
});
