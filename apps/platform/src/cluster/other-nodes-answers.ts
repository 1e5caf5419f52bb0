import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SERVER_CLAIMS, type ServerClaims } from '../telephony/ownership/server-locks';
import { FORWARDED_HEADER } from './owner-forwarding';

const ASK_TIMEOUT_MS = 3000;
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Several nodes: what the other nodes answer to the same GET (a list of sessions, an extension's
 * presence), for answers made of every node's live calls. Each node is asked with the caller's own
 * headers and answers from its own memory only (the forwarded header stops it asking further); a node
 * that does not answer in time, or refuses, is left out and logged.
 */
@Injectable()
export class OtherNodesAnswers {
  private readonly logger = new Logger(OtherNodesAnswers.name);

  constructor(@Inject(SERVER_CLAIMS) private readonly claims: ServerClaims | null) {}

  async gather<T>(req: Request): Promise<T[]> {
    if (!this.claims || req.headers[FORWARDED_HEADER]) return [];
    const nodes = await this.claims.otherNodes().catch((error) => {
      this.logger.warn(`Listing the other nodes failed: ${error}`);
      return [];
    });
    const answers = await Promise.all(nodes.map((node) => this.ask<T>(node, req)));
    return answers.filter((answer): answer is Awaited<T> => answer !== undefined);
  }

  private ask<T>(node: string, req: Request): Promise<T | undefined> {
    const target = new URL(req.originalUrl, node);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // A GET without a body, whatever the caller's request carried.
    const headers = { ...req.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    return new Promise((resolve) => {
      const skip = (why: string) => {
        this.logger.warn(`Asking ${node} for ${req.method} ${req.originalUrl} failed: ${why}`);
        resolve(undefined);
      };
      const asked = send(target, {
        method: 'GET',
        headers: { ...headers, host: target.host, [FORWARDED_HEADER]: node },
        timeout: ASK_TIMEOUT_MS,
      });
      asked.on('response', (answer) => {
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) return void asked.destroy(new Error('answer too large'));
          chunks.push(chunk);
        });
        answer.on('end', () => {
          if (answer.statusCode !== 200) return skip(`status ${answer.statusCode}`);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch {
            skip('not JSON');
          }
        });
      });
      asked.on('timeout', () => asked.destroy(new Error('timed out')));
      asked.on('error', (error) => skip(error.message));
      asked.end();
    });
  }
}
