import type { CallPage } from '../calls.service';
import { callsUri, CallResponseDto, toCallResponse } from './call-response.dto';

export interface CallPageResponseDto {
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
  calls: CallResponseDto[];
}

export function toCallPageResponse(
  accountSid: string,
  result: CallPage,
  page: number,
  pageSize: number,
  suffix: string,
): CallPageResponseDto {
  const base = callsUri(accountSid) + suffix;
  const pageUri = (n: number) => `${base}?Page=${n}&PageSize=${pageSize}`;
  const numPages = Math.ceil(result.total / pageSize);
  const lastPage = Math.max(numPages - 1, 0);
  const start = page * pageSize;
  return {
    page,
    num_pages: numPages,
    page_size: pageSize,
    total: result.total,
    start,
    end: result.calls.length > 0 ? start + result.calls.length - 1 : start,
    uri: pageUri(page),
    first_page_uri: pageUri(0),
    previous_page_uri: page > 0 ? pageUri(page - 1) : null,
    next_page_uri: page < lastPage ? pageUri(page + 1) : null,
    last_page_uri: pageUri(lastPage),
    calls: result.calls.map((call) => toCallResponse(call, suffix)),
  };
}
