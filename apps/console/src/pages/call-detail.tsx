import { useEffect, useState } from 'preact/hooks';
import { CallDetail, TimelineEvent, calls } from '../api';
import { duration, isSecretField, text, time } from '../format';
import { BASE, onLinkClick } from '../router';
import { CallTable } from './call-log';

const SHOWN_FIELDS = ['sid', 'status', 'direction', 'from', 'to', 'start_time', 'end_time', 'duration', 'sip_call_id', 'sip_response_code', 'parent_call_sid', 'answered_by', 'hangup_cause'];

/** Fields every event has, or that the summary line already shows. */
const PLAIN = new Set(['at', 'kind', 'sequence', 'summary', 'callSid', 'url', 'method', 'status', 'httpStatus', 'latencyMs', 'sipCode', 'statusLine', 'type', 'message']);

function summary(event: TimelineEvent) {
  const e = event as Record<string, unknown>;
  if (typeof e.summary === 'string') return e.summary;
  switch (event.kind) {
    case 'webhook': {
      const latency = typeof e.latencyMs === 'number' ? ` in ${e.latencyMs.toFixed(0)} ms` : '';
      return `${e.method ?? 'POST'} ${e.url} → ${e.httpStatus ?? e.failure ?? 'no answer'}${latency}`;
    }
    case 'status':
      return `${e.status}${e.sipCode ? ` (SIP ${e.sipCode})` : ''}`;
    case 'sip':
      return String(e.statusLine ?? `SIP ${e.sipCode}`);
    case 'notification':
      return `${e.level ?? 'error'} ${e.errorCode ?? ''}: ${e.message ?? ''}`;
    case 'child':
      return `Dial leg to ${e.to ?? '?'} (${e.status ?? '?'})`;
    default:
      return [e.type, e.status].filter(Boolean).join(' ');
  }
}

function EventRow({ event }: { event: TimelineEvent }) {
  const e = event as Record<string, unknown>;
  const extra = Object.entries(e).filter(
    ([name, value]) => !PLAIN.has(name) && !isSecretField(name) && value !== null && value !== undefined,
  );
  const child = event.kind === 'child' && typeof e.callSid === 'string' ? e.callSid : null;
  return (
    <li class={`event event-${event.kind}`} data-kind={event.kind}>
      <time dateTime={event.at}>{time(event.at)}</time>
      <span class="kind">{event.kind}</span>
      <span class="what">
        {summary(event)}
        {child && (
          <>
            {' '}
            <a href={`${BASE}/calls/${child}`} onClick={onLinkClick}>
              {child}
            </a>
          </>
        )}
      </span>
      {extra.length > 0 && (
        <dl class="extra">
          {extra.map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{text(value)}</dd>
            </>
          ))}
        </dl>
      )}
    </li>
  );
}

export function CallDetailPage({ sid }: { sid: string }) {
  const [detail, setDetail] = useState<CallDetail | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setDetail(null);
    calls.detail(sid).then(setDetail, (caught: Error) => setError(caught.message));
  }, [sid]);

  if (error)
    return (
      <section>
        <h1 tabIndex={-1}>Call {sid}</h1>
        <p class="error" role="alert">{error}</p>
      </section>
    );
  if (!detail) return <p class="loading">Loading call…</p>;
  const { call } = detail;
  const events = [...detail.events].sort((a, b) => a.at.localeCompare(b.at) || Number(a.sequence ?? 0) - Number(b.sequence ?? 0));
  return (
    <section class="detail">
      <h1 tabIndex={-1}>
        Call <code>{call.sid}</code>
      </h1>
      <p>
        <a href={`${BASE}/calls`} onClick={onLinkClick}>
          ← Call log
        </a>
        {detail.parent && (
          <>
            {' · '}
            <a href={`${BASE}/calls/${detail.parent.sid}`} onClick={onLinkClick}>
              Parent call {detail.parent.from} → {detail.parent.to}
            </a>
          </>
        )}
      </p>
      <dl class="facts">
        {SHOWN_FIELDS.filter((name) => call[name] !== undefined).map((name) => (
          <>
            <dt>{name.replace(/_/g, ' ')}</dt>
            <dd>{name.endsWith('_time') ? time(call[name] as string) : name === 'duration' ? duration(call.duration) : text(call[name])}</dd>
          </>
        ))}
      </dl>
      <h2>Timeline</h2>
      <ol class="timeline" aria-label="Events in order">
        {events.map((event) => (
          <EventRow event={event} />
        ))}
        {events.length === 0 && <li>No events recorded.</li>}
      </ol>
      <h2>Dial legs</h2>
      {detail.children.length ? <CallTable rows={detail.children} caption="Dial legs of this call" /> : <p>None.</p>}
      <h2>Recordings</h2>
      {detail.recordings.length === 0 && <p>None.</p>}
      <ul class="recordings">
        {detail.recordings.map((recording) => (
          <li>
            <span id={`rec-${recording.sid}`}>
              {recording.sid} · {duration(recording.duration)} · {time(recording.dateCreated)}
            </span>
            <audio controls preload="metadata" src={recording.mediaUrl} aria-labelledby={`rec-${recording.sid}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}
