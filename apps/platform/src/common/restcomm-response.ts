import type { Request, Response } from 'express';
import { negotiateFormat } from './api-format';
import { jsonToXmlTree, renderXml } from './xml-renderer';

/**
 * Sends one resource in the format the client asked for. `xmlName` is the element that wraps
 * the resource inside `<RestcommResponse>` (for example `Call`).
 */
export function sendRestcomm(req: Request, res: Response, status: number, xmlName: string, body: any): void {
  res.status(status);
  if (negotiateFormat(req) === 'json') {
    res.json(body);
    return;
  }
  res.type('application/xml').send(renderXml('RestcommResponse', { [xmlName]: jsonToXmlTree(body) }));
}
