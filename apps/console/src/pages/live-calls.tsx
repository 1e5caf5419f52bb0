import { useEffect, useRef, useState } from 'preact/hooks';
import { LiveCall, LiveEvent, live } from '../api';
import { duration, time } from '../format';
import { BASE, onLinkClick } from '../router';

type Stream = 'connecting' | 'live' | 'reconnecting';

const ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * The account's calls that are up now, kept current by the server-sent events of the console API
 * (fed by the core's event stream), with a supervisor's actions on each.
 */
export function LiveCalls() {
  const [calls, setCalls] = useState<Map<string, LiveCall>>(new Map());
  const [stream, setStream] = useState<Stream>('connecting');
  const [announcement, setAnnouncement] = useState('');
  const [, tick] = useState(0);

  useEffect(() => {
    let closed = false;
    const apply = (event: LiveEvent) => {
      const call = event.call;
      const sid = call?.sid ?? event.callSid;
      if (!sid) return;
      setCalls((previous) => {
        const next = new Map(previous);
        const known = previous.get(sid);
        if (!call || ENDED.has(call.status)) {
          if (next.delete(sid)) setAnnouncement(`Call from ${known?.from ?? ''} to ${known?.to ?? ''} ended`);
        } else {
          if (!next.has(sid)) setAnnouncement(`New call from ${call.from} to ${call.to}, ${call.status}`);
          else if (previous.get(sid)?.status !== call.status) setAnnouncement(`Call from ${call.from} is ${call.status}`);
          next.set(sid, { ...previous.get(sid), ...call });
        }
        return next;
      });
    };
    live.list().then(
      (first) => !closed && setCalls(new Map(first.calls.map((c) => [c.sid, c]))),
      () => undefined,
    );
    const source = new EventSource(live.streamUrl);
    source.onopen = () => setStream('live');
    source.onerror = () => setStream('reconnecting');
    source.addEventListener('ready', () => setStream('live'));
    source.addEventListener('call', (message) => {
      try {
        apply(JSON.parse((message as MessageEvent<string>).data) as LiveEvent);
      } catch {
        // Data that is not JSON changes nothing.
      }
    });
    // Durations count up between events.
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => {
      closed = true;
      source.close();
      clearInterval(timer);
    };
  }, []);

  const rows = [...calls.values()].sort((a, b) => (b.startTime ?? b.dateCreated ?? '').localeCompare(a.startTime ?? a.dateCreated ?? ''));
  return (
    <section>
      <h1 tabIndex={-1}>Live calls</h1>
      <p class="meta">
        <span class={`dot dot-${stream}`} aria-hidden="true" /> Updates: {stream} · {rows.length} call{rows.length === 1 ? '' : 's'} up
      </p>
      <p class="sr-only" aria-live="polite" role="status">
        {announcement}
      </p>
      {rows.length === 0 && <p>No calls are up.</p>}
      <ul class="live-list">
        {rows.map((call) => (
          <LiveCallCard call={call} key={call.sid} />
        ))}
      </ul>
    </section>
  );
}

function since(start: string | null | undefined): string {
  if (!start) return '—';
  return duration(Math.max(0, (Date.now() - new Date(start).getTime()) / 1000));
}

function LiveCallCard({ call }: { call: LiveCall }) {
  const [busy, setBusy] = useState('');
  const [result, setResult] = useState('');
  const target = useRef<HTMLInputElement>(null);
  const run = async (label: string, action: () => Promise<unknown>) => {
    setBusy(label);
    setResult('');
    try {
      await action();
      setResult(`${label}: done`);
    } catch (caught) {
      setResult(`${label} failed: ${(caught as Error).message}`);
    } finally {
      setBusy('');
    }
  };
  const value = () => target.current?.value.trim() ?? '';
  const needsTarget = (label: string, action: (v: string) => Promise<unknown>) => () => {
    if (!value()) {
      setResult(`${label}: enter a URL, extension or number first`);
      target.current?.focus();
      return;
    }
    void run(label, () => action(value()));
  };
  const held = Boolean(call.held);
  return (
    <li class="live-call" data-sid={call.sid} aria-label={`Call from ${call.from} to ${call.to}`}>
      <div class="who">
        <a href={`${BASE}/calls/${call.sid}`} onClick={onLinkClick}>
          {call.from} → {call.to}
        </a>
        <span class={`status status-${call.status}`}>{call.status}</span>
        {held && <span class="status status-held">held</span>}
      </div>
      <div class="when">
        {call.direction} · started {time(call.startTime)} · up <span class="elapsed">{since(call.startTime)}</span>
      </div>
      <div class="actions" role="group" aria-label="Actions">
        <button type="button" class="danger" disabled={!!busy} onClick={() => run('Hang up', () => live.hangup(call.sid))}>
          Hang up
        </button>
        {held ? (
          <button type="button" disabled={!!busy} onClick={() => run('Unhold', () => live.unhold(call.sid))}>
            Unhold
          </button>
        ) : (
          <button type="button" disabled={!!busy} onClick={() => run('Hold', () => live.hold(call.sid))}>
            Hold
          </button>
        )}
        <label class="target">
          URL, extension or number
          <input ref={target} name="target" spellcheck={false} />
        </label>
        <button type="button" disabled={!!busy} onClick={needsTarget('Redirect', (v) => live.redirect(call.sid, v))}>
          Redirect to URL
        </button>
        <button type="button" disabled={!!busy} onClick={needsTarget('Transfer', (v) => live.transfer(call.sid, v))}>
          Transfer
        </button>
        <button type="button" disabled={!!busy} onClick={needsTarget('Listen', (v) => live.listen(call.sid, v))}>
          Listen from
        </button>
      </div>
      <p class="result" role="status">
        {busy ? `${busy}…` : result}
      </p>
    </li>
  );
}
