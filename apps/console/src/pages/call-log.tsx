import { useEffect, useState } from 'preact/hooks';
import { CALL_FILTERS, CallPage, CallRow, calls } from '../api';
import { duration, shortSid, time } from '../format';
import { BASE, navigate, onLinkClick } from '../router';

const STATUSES = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** A next/previous link as the API wrote it, reduced to its query (the page keeps it in its own URL). */
export function queryOf(uri: string): string {
  const at = uri.indexOf('?');
  return at === -1 ? '' : uri.slice(at + 1);
}

const LABELS: Record<(typeof CALL_FILTERS)[number], string> = {
  To: 'To',
  From: 'From',
  Status: 'Status',
  ParentCallSid: 'Parent call SID',
  StartTime: 'Started on (day or instant)',
  'StartTime>=': 'Started at or after',
  'StartTime<=': 'Started at or before',
  EndTime: 'Ended on (day or instant)',
  'EndTime>=': 'Ended at or after',
  'EndTime<=': 'Ended at or before',
  PageSize: 'Page size',
};

export function CallLog({ query }: { query: URLSearchParams }) {
  const [page, setPage] = useState<CallPage | null>(null);
  const [error, setError] = useState('');
  const [found, setFound] = useState<CallRow[] | null>(null);
  const queryString = query.toString();

  useEffect(() => {
    let current = true;
    setError('');
    calls.list(queryString).then(
      (next) => {
        if (!current) return;
        setPage(next);
        // Time to interactive of the call log, read by the browser tests and the console bench.
        requestAnimationFrame(() => performance.mark('console:calls-ready'));
      },
      (caught: Error) => current && setError(caught.message),
    );
    return () => {
      current = false;
    };
  }, [queryString]);

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const name of CALL_FILTERS) {
      const value = String(data.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    navigate(`/calls${next.toString() ? `?${next}` : ''}`);
  };

  const search = async (event: Event) => {
    event.preventDefault();
    const q = String(new FormData(event.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    if (!q) return setFound(null);
    if (/^CA[0-9a-f]{32}$/.test(q)) return navigate(`/calls/${q}`);
    try {
      const result = await calls.search(q);
      if (result.calls.length === 1) return navigate(`/calls/${result.calls[0].sid}`);
      setFound(result.calls);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  const go = (uri: string | null) => uri && navigate(`/calls?${queryOf(uri)}`);

  return (
    <section>
      <h1 tabIndex={-1}>Call log</h1>
      <form class="search" role="search" onSubmit={search}>
        <label>
          Find a call by CallSid or SIP Call-ID
          <input name="q" type="search" spellcheck={false} />
        </label>
        <button type="submit">Find</button>
      </form>
      {found && (
        <div role="status">
          {found.length === 0 ? <p>No call has that SID or SIP Call-ID.</p> : <CallTable rows={found} caption="Search results" />}
        </div>
      )}
      <details class="filters" open={CALL_FILTERS.some((name) => query.has(name))}>
        <summary>Filters</summary>
        <form onSubmit={applyFilters} key={queryString}>
          <div class="grid">
            {CALL_FILTERS.map((name) => (
              <label>
                {LABELS[name]}
                {name === 'Status' ? (
                  <select name={name} value={query.get(name) ?? ''}>
                    <option value="">any</option>
                    {STATUSES.map((s) => (
                      <option value={s}>{s}</option>
                    ))}
                  </select>
                ) : name === 'PageSize' ? (
                  <input name={name} value={query.get(name) ?? ''} type="number" min={1} max={1000} />
                ) : (
                  <input name={name} value={query.get(name) ?? ''} spellcheck={false} />
                )}
              </label>
            ))}
          </div>
          <button type="submit">Apply filters</button>{' '}
          <button type="button" onClick={() => navigate('/calls')}>
            Clear
          </button>
        </form>
      </details>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <>
          <p class="meta" aria-live="polite">
            {page.total !== undefined ? `${page.total.toLocaleString()} calls` : `${page.calls.length} calls on this page`}
          </p>
          <CallTable rows={page.calls} caption="Calls, newest first" ready />
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={!page.previous_page_uri} onClick={() => go(page.previous_page_uri)}>
              ← Newer
            </button>
            <button type="button" disabled={!page.next_page_uri} onClick={() => go(page.next_page_uri)}>
              Older →
            </button>
          </nav>
        </>
      )}
      {!page && !error && <p class="loading">Loading calls…</p>}
    </section>
  );
}

export function CallTable({ rows, caption, ready }: { rows: CallRow[]; caption: string; ready?: boolean }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table class="calls" data-state={ready ? 'ready' : undefined}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Call</th>
            <th scope="col">Status</th>
            <th scope="col">Direction</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Start</th>
            <th scope="col">Duration</th>
            <th scope="col">SIP</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((call) => (
            <tr data-sid={call.sid}>
              <td>
                <a href={`${BASE}/calls/${call.sid}`} onClick={onLinkClick} title={call.sid}>
                  {shortSid(call.sid)}
                </a>
                {call.parent_call_sid && <span class="child" title="A Dial leg">↳</span>}
              </td>
              <td>
                <span class={`status status-${call.status}`}>{call.status}</span>
              </td>
              <td>{call.direction}</td>
              <td>{call.from}</td>
              <td>{call.to}</td>
              <td>{time(call.start_time)}</td>
              <td>{duration(call.duration)}</td>
              <td>{call.sip_response_code ?? '—'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={8}>No calls match.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
