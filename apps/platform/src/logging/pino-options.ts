import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { accountOf } from './call-log-context';
import { redactSecrets, sidsIn } from './log-redaction';

const PINO_LEVELS = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A line's call and account: named in its message, or the call's account as the core knows it. */
function callFields(message: string): Record<string, string> {
  const sids = sidsIn(message);
  if (sids.callSid && !sids.accountSid) {
    const accountSid = accountOf(sids.callSid);
    if (accountSid) return { ...sids, accountSid };
  }
  return sids;
}

/**
 * Pino through nestjs-pino: JSON lines (or pretty ones for a terminal), a request id per HTTP request
 * (`X-Request-Id` when the caller sent a sane one), `callSid`/`accountSid` on every line about a call,
 * and secrets redacted from messages, URLs and headers before anything is written.
 */
export function pinoOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: PINO_LEVELS[config.logLevel],
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactSecrets(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]'],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          const parts = args as unknown[];
          const at = parts.findIndex((part) => typeof part === 'string');
          if (at >= 0) {
            const message = redactSecrets(parts[at] as string);
            parts[at] = message;
            const fields = callFields(message);
            if (Object.keys(fields).length > 0) {
              if (at > 0 && typeof parts[0] === 'object' && parts[0] !== null)
                parts[0] = { ...(parts[0] as object), ...fields };
              else parts.unshift(fields);
            }
          }
          return method.apply(this, parts as Parameters<typeof method>);
        },
      },
      ...(config.logFormat === 'pretty'
        ? {
            transport: {
              target: 'pino-pretty',
              options: { singleLine: true, translateTime: 'SYS:standard' },
            },
          }
        : {}),
    },
  };
}
