import type { Request } from 'express';

export type ApiFormat = 'json' | 'xml';

declare module 'express-serve-static-core' {
  interface Request {
    apiFormat?: ApiFormat;
  }
}

/** RestComm selects JSON with a `.json` suffix or `Accept: application/json`; XML is its default. */
export function negotiateFormat(req: Request): ApiFormat {
  if (req.apiFormat) return req.apiFormat;
  return (req.headers.accept ?? '').includes('application/json') ? 'json' : 'xml';
}

/** `.json` when the client asked for JSON, so the URIs we hand out keep its format. */
export const formatSuffix = (req: Request): string => (negotiateFormat(req) === 'json' ? '.json' : '');
