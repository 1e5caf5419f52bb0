import type { PageQueryDto } from './paging';

/** Twilio's paging fields of a list resource (offset paging; the SDKs follow next_page_uri). */
export interface TwilioPageMeta {
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  page: number;
  page_size: number;
  start: number;
  end: number;
}

/** `listUri` ends in `.json`; `filters` are the list's own query parameters, kept on every link. */
export function twilioPageMeta(
  listUri: string,
  paging: Pick<PageQueryDto, 'Page' | 'PageSize'>,
  count: number,
  total: number,
  filters: Record<string, string | undefined> = {},
): TwilioPageMeta {
  const { Page: page, PageSize: pageSize } = paging;
  const kept = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `&${encodeURIComponent(key)}=${encodeURIComponent(value!)}`)
    .join('');
  const uri = (n: number) => `${listUri}?PageSize=${pageSize}&Page=${n}${kept}`;
  const start = page * pageSize;
  return {
    uri: uri(page),
    first_page_uri: uri(0),
    next_page_uri: start + count < total ? uri(page + 1) : null,
    previous_page_uri: page > 0 ? uri(page - 1) : null,
    page,
    page_size: pageSize,
    start,
    end: count > 0 ? start + count - 1 : start,
  };
}
