import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * The web console's built files (apps/console, built by Vite into dist/console) served at /console.
 * /console/api/... is the console's JSON API (console/ module) and passes through untouched.
 */
export const CONSOLE_PREFIX = '/console';

/** Only what the page itself loads: no external origin, no inline script, no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The repository root: the nearest folder up from here with a package.json (source or dist/). */
export function defaultConsoleDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * GET/HEAD of /console/**: a file of the build when one matches, else index.html (the page routes
 * itself: /console/calls/CA... is a deep link). Vite names assets by content hash, so they are cached
 * for a year; index.html names the current hashes, so it is revalidated every time.
 */
export function consoleStaticMiddleware(root: string) {
  const base = normalize(root) + sep;
  return (req: Request, res: Response, next: NextFunction): void => {
    // originalUrl: a middleware mounted by Nest may see req.url with its mount path cut off.
    const path = (req.originalUrl ?? req.url).split('?')[0];
    if (path !== CONSOLE_PREFIX && !path.startsWith(CONSOLE_PREFIX + '/')) return next();
    if (path === `${CONSOLE_PREFIX}/api` || path.startsWith(`${CONSOLE_PREFIX}/api/`)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (path === CONSOLE_PREFIX) return res.redirect(301, `${CONSOLE_PREFIX}/`);
    let relative: string;
    try {
      relative = decodeURIComponent(path.slice(CONSOLE_PREFIX.length + 1));
    } catch {
      return next();
    }
    const candidate = normalize(join(base, relative));
    // A ../ that climbs out of the build folder is no file of ours: the page answers it.
    const inside = candidate.startsWith(base) && !relative.includes('\0');
    const asset = inside && relative !== '' && isFile(candidate);
    // A missing hashed asset is a 404, not the page: a stale index.html must not get HTML as script.
    if (!asset && relative.startsWith('assets/')) return next();
    const file = asset ? candidate : join(base, 'index.html');
    if (!isFile(file)) {
      res.status(503).type('text/plain').send('The web console is not built: run npm run build');
      return;
    }
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader(
      'Cache-Control',
      asset && relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    res.setHeader('ETag', etag);
    // The call log's page of calls is asked for as the headers arrive, not once the bundle has run
    // (the page's own fetch, same URL and credentials mode, takes the preloaded answer).
    if (!asset && (relative === '' || relative === 'calls')) {
      const query = (req.originalUrl ?? req.url).split('?')[1];
      const search = query ? new URLSearchParams(query).toString() : '';
      res.setHeader('Link', `<${CONSOLE_PREFIX}/api/calls${search ? `?${search}` : ''}>; rel=preload; as=fetch; crossorigin=anonymous`);
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Length', String(stat.size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };
}
