/**
 * Every request the console makes, in one place: the console's JSON API under /console/api (session
 * cookie; the CSRF token in a header on every state-changing request). Paths follow /work/console-api.md.
 */
export const API = '/console/api';

export interface AccountRef {
  sid: string;
  friendlyName: string;
  status?: string;
  parentSid?: string | null;
}

export interface Session {
  csrfToken: string;
  expiresAt?: string;
  credential: 'auth-token' | 'api-key';
  /** The account whose credentials signed in. */
  user: AccountRef;
  /** The account the console acts on now (the user, or one of its subaccounts). */
  account: AccountRef;
  subaccounts: AccountRef[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => (csrfToken = token);

/** 401 anywhere means the session ended: the app goes back to sign-in. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (handler: () => void) => (onUnauthorized = handler);

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path.startsWith('/') ? path : `${API}/${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (!response.ok) {
    if (response.status === 401 && !path.endsWith('session')) onUnauthorized();
    // { error: { code, message, status, apiCode } }, the console API's one error shape.
    const body = (data as { error?: { message?: string; code?: string }; message?: string } | undefined) ?? {};
    const message = body.error?.message ?? body.message ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message, body.error?.code);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

export interface SignIn {
  accountSid?: string;
  authToken?: string;
  apiKeySid?: string;
  apiKeySecret?: string;
}

/**
 * Requests started as soon as the bundle runs, before the first render: the session and, on the call
 * log, its first page go out together instead of one after the other (the call log's time to
 * interactive is one API round trip, not two). Each is handed out once, to the first asker.
 */
const early = new Map<string, Promise<unknown>>();
export function prefetch(path: string): void {
  const request = api(path);
  request.catch(() => undefined); // a refusal is reported to whoever takes it
  early.set(path, request);
}
/** Signed out: what was fetched before sign-in was refused, and must be asked again. */
export const dropPrefetched = () => early.clear();

function once<T>(path: string): Promise<T> {
  const request = early.get(path);
  early.delete(path);
  return (request as Promise<T> | undefined) ?? api<T>(path);
}

export const session = {
  current: () => once<Session>('session'),
  signIn: (credentials: SignIn) => api<Session>('session', { method: 'POST', body: credentials }),
  signOut: () => api<void>('session', { method: 'DELETE' }),
  switchTo: (accountSid: string) => api<Session>('session/account', { method: 'POST', body: { accountSid } }),
};

export interface CallRow {
  sid: string;
  parent_call_sid: string | null;
  status: string;
  direction: string;
  from: string;
  to: string;
  start_time: string | null;
  end_time: string | null;
  duration: string | number | null;
  sip_call_id?: string | null;
  sip_response_code?: number | null;
  date_created?: string;
}

export interface CallPage {
  calls: CallRow[];
  total?: number;
  page?: number;
  page_size?: number;
  next_page_uri: string | null;
  previous_page_uri: string | null;
  first_page_uri?: string | null;
}

export interface TimelineEvent {
  at: string;
  kind: string;
  [field: string]: unknown;
}

export interface Recording {
  sid: string;
  duration?: string | number | null;
  status?: string;
  mediaUrl: string;
  mp3Url?: string;
  dateCreated?: string;
}

export interface CallDetail {
  call: CallRow & Record<string, unknown>;
  parent: CallRow | null;
  events: TimelineEvent[];
  children: CallRow[];
  recordings: Recording[];
}

export const callsPath = (query: string) => `calls${query ? `?${query}` : ''}`;

/** The Calls API's own query parameters, passed through as they are. */
export const CALL_FILTERS = [
  'To',
  'From',
  'Status',
  'ParentCallSid',
  'StartTime',
  'StartTime>=',
  'StartTime<=',
  'EndTime',
  'EndTime>=',
  'EndTime<=',
  'PageSize',
] as const;

export const calls = {
  list: (query: string) => once<CallPage>(callsPath(query)),
  /** A next/previous link of an earlier page, followed as the API wrote it. */
  follow: (uri: string) => api<CallPage>(uri),
  search: (q: string) => api<{ calls: CallRow[] }>(`calls/search?q=${encodeURIComponent(q)}`),
  detail: (sid: string) => api<CallDetail>(`calls/${sid}/timeline`),
};

export interface LiveCall {
  sid: string;
  parentCallSid: string | null;
  direction: string;
  from: string;
  to: string;
  status: string;
  startTime: string | null;
  dateCreated?: string;
  conversationId?: string | null;
  held?: boolean;
  muted?: boolean;
  sipCallId?: string | null;
}

/** `event: call` of the live stream: the call after the event, or null once it ended. */
export interface LiveEvent {
  callSid: string;
  sequence?: number;
  at?: string;
  type?: string;
  status?: string;
  call: LiveCall | null;
}

export const live = {
  list: () => api<{ calls: LiveCall[] }>('live-calls'),
  streamUrl: `${API}/live-calls/stream`,
  hangup: (sid: string) => api<void>(`live-calls/${sid}/hangup`, { method: 'POST', body: {} }),
  hold: (sid: string) => api<void>(`live-calls/${sid}/hold`, { method: 'POST', body: {} }),
  unhold: (sid: string) => api<void>(`live-calls/${sid}/unhold`, { method: 'POST', body: {} }),
  redirect: (sid: string, url: string) =>
    api<void>(`live-calls/${sid}/redirect`, { method: 'POST', body: { url, method: 'POST' } }),
  transfer: (sid: string, to: string) => api<void>(`live-calls/${sid}/transfer`, { method: 'POST', body: { to } }),
  listen: (sid: string, to: string) => api<void>(`live-calls/${sid}/listen`, { method: 'POST', body: { to } }),
};

export type Row = Record<string, unknown>;

export const resources = {
  extensions: () => api<{ extensions: Row[] }>('extensions'),
  numbers: () => api<{ numbers: Row[] }>('numbers'),
  applications: () => api<{ applications: Row[] }>('applications'),
  subscriptions: () => api<{ subscriptions: Row[] }>('subscriptions'),
};

export interface Stats {
  from: string;
  to: string;
  hours: number;
  /** Only the minutes that had calls; a final status → count. */
  callsPerMinute: Array<{ minute: string } & Record<string, number | string>>;
  totals: { calls: number; answered: number; asr: number | null; averageDurationSeconds: number | null };
  webhookLatency: Array<{ bucket: string; bucketMinutes: number; count: number; p50Ms: number | null; p95Ms: number | null }>;
}

export const stats = {
  get: (hours: number) => api<Stats>(`stats?hours=${hours}`),
};
