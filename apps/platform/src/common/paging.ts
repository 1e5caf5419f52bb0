import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { negotiateFormat } from './api-format';
import { jsonToXmlTree, renderXml } from './xml-renderer';

/** A form or query value of digits as a number (validators then check its range); anything else as it came. */
export const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** `Page` (from 0) and `PageSize` (1-1000, default 50), as on every RestComm list resource. */
export class PageQueryDto {
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'Page must be a whole number' })
  @Min(0, { message: 'Page must be 0 or greater' })
  Page = 0;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PageSize must be a whole number' })
  @Min(1, { message: 'PageSize must be between 1 and 1000' })
  @Max(1000, { message: 'PageSize must be between 1 and 1000' })
  PageSize = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageMetaDto {
  page: number;
  num_pages: number;
  page_size: number;
  total: number;
  start: number;
  end: number;
  uri: string;
  first_page_uri: string;
  previous_page_uri: string | null;
  next_page_uri: string | null;
  last_page_uri: string;
}

/** Paging links of a list resource; `listUri` already carries the format suffix. */
export function pageMeta(
  listUri: string,
  total: number,
  count: number,
  page: number,
  pageSize: number,
): PageMetaDto {
  const pageUri = (n: number) => `${listUri}?Page=${n}&PageSize=${pageSize}`;
  const numPages = Math.ceil(total / pageSize);
  const lastPage = Math.max(numPages - 1, 0);
  const start = page * pageSize;
  return {
    page,
    num_pages: numPages,
    page_size: pageSize,
    total,
    start,
    end: count > 0 ? start + count - 1 : start,
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    next_page_uri: page < lastPage ? pageUri(page + 1) : null,
    last_page_uri: pageUri(lastPage),
  };
}

/**
 * Sends one page of a list: JSON `{ ...meta, [jsonKey]: items }`, or RestComm XML
 * `<RestcommResponse><Things page="0" ...><Thing>...</Thing></Things></RestcommResponse>`.
 */
export function sendRestcommPage(
  req: Request,
  res: Response,
  names: { json: string; xmlList: string; xmlItem: string },
  meta: PageMetaDto,
  items: object[],
): void {
  if (negotiateFormat(req) === 'json') {
    res.json({ ...meta, [names.json]: items });
    return;
  }
  const attributes = Object.fromEntries(
    Object.entries(meta).map(([key, value]) => [
      `@${key.replace(/_/g, '')}`,
      value === null ? 'null' : String(value),
    ]),
  );
  res.type('application/xml').send(
    renderXml('RestcommResponse', {
      [names.xmlList]: { ...attributes, [names.xmlItem]: jsonToXmlTree(items as any) },
    }),
  );
}

/**
 * Tie-breaker for "newest first" among rows with the same date_created: on SQLite the rowid
 * (insertion order; rows the database dates itself have whole seconds there), elsewhere the sid.
 */
export function insertionOrder(
  repository: { manager: { connection: { options: { type: string } } } },
  alias: string,
): string {
  return repository.manager.connection.options.type === 'sqlite' ? `${alias}.rowid` : `${alias}.sid`;
}
