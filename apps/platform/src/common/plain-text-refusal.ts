import { HttpException } from '@nestjs/common';
import type { Response } from 'express';

/**
 * A refusal answered as the API it imitates does (sipX's call controller: a status, a few headers and a
 * plain-text body) rather than in the platform's JSON/XML error shape.
 */
export class PlainTextRefusal extends HttpException {
  constructor(
    status: number,
    readonly text: string,
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(text, status);
  }

  send(res: Response): void {
    for (const [name, value] of Object.entries(this.headers)) res.setHeader(name, value);
    res.status(this.getStatus()).type('text/plain').send(this.text);
  }
}
