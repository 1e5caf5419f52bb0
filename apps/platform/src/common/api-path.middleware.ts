import type { NextFunction, Request, Response } from 'express';

/**
 * RestComm clients use several spellings of one resource: with or without the `/restcomm` prefix,
 * `20120424` or `2012-04-24`, and a `.json` suffix on any segment (`Calls.json/{sid}`).
 * Normalising before routing keeps one route per resource.
 */
export function apiPathMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const queryAt = req.url.indexOf('?');
  let path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : req.url.slice(queryAt);
  if (path.startsWith('/restcomm/')) path = path.slice('/restcomm'.length);
  path = path.replace(/^\/20120424\//, '/2012-04-24/');
  if (/^\/(2012-04-24|2010-04-01)\//.test(path)) {
    const segments = path.split('/').map((segment) => {
      const match = /^(.+)\.(json|xml)$/.exec(segment);
      if (!match) return segment;
      req.apiFormat = match[2] as 'json' | 'xml';
      return match[1];
    });
    path = segments.join('/');
  }
  req.url = path + query;
  next();
}
