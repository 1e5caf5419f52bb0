import { useEffect, useState } from 'preact/hooks';
import { Stats, stats } from '../api';
import { duration } from '../format';

const W = 640;
const H = 180;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };
const STATUS_ORDER = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const MINUTE = 60_000;

const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

interface Slot {
  at: number;
  counts: Record<string, number>;
}

/** The API lists only minutes that had calls; the chart needs every slot of the period, empty ones too. */
export function slots(data: Stats, maxSlots = 180): { slotMinutes: number; slots: Slot[] } {
  const from = Math.floor(new Date(data.from).getTime() / MINUTE) * MINUTE;
  const to = new Date(data.to).getTime();
  const slotMinutes = Math.max(1, Math.ceil((to - from) / MINUTE / maxSlots));
  const size = slotMinutes * MINUTE;
  const result: Slot[] = [];
  for (let at = from; at < to; at += size) result.push({ at, counts: {} });
  for (const minute of data.callsPerMinute) {
    const index = Math.floor((new Date(minute.minute).getTime() - from) / size);
    const slot = result[Math.min(Math.max(index, 0), result.length - 1)];
    if (!slot) continue;
    for (const status of STATUS_ORDER) slot.counts[status] = (slot.counts[status] ?? 0) + Number(minute[status] ?? 0);
  }
  return { slotMinutes, slots: result };
}

function Frame({ from, to, max, unit, children }: { from: number; to: number; max: number; unit: string; children: unknown }) {
  return (
    <>
      <g class="axes" aria-hidden="true">
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text x={PAD.left - 4} y={PAD.top + 8} text-anchor="end">
          {Number.isInteger(max) ? max : max.toFixed(1)}
          {unit}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} text-anchor="end">
          0
        </text>
        <text x={PAD.left} y={H - 6} text-anchor="start">
          {clock(from)}
        </text>
        <text x={W - PAD.right} y={H - 6} text-anchor="end">
          {clock(to)}
        </text>
      </g>
      {children}
    </>
  );
}

function CallsPerMinute({ data }: { data: Stats }) {
  const { slotMinutes, slots: bins } = slots(data);
  const totals = bins.map((b) => Object.values(b.counts).reduce((s, v) => s + v, 0));
  const max = Math.max(1, ...totals);
  const slot = plotW / Math.max(1, bins.length);
  const yOf = (v: number) => H - PAD.bottom - (v * plotH) / max;
  const per = slotMinutes === 1 ? 'minute' : `${slotMinutes} minutes`;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="cpm-title">
      <title id="cpm-title">
        Calls per {per} by final status: {totals.reduce((s, v) => s + v, 0)} calls, at most {max} in one slot
      </title>
      <Frame from={new Date(data.from).getTime()} to={new Date(data.to).getTime()} max={max} unit="">
        {bins.map((b, i) => {
          let base = 0;
          return STATUS_ORDER.map((status) => {
            const v = b.counts[status] ?? 0;
            if (!v) return null;
            const top = yOf(base + v);
            const bottom = yOf(base);
            base += v;
            return (
              <rect class={`bar bar-${status}`} x={PAD.left + i * slot + 0.5} width={Math.max(1, slot - 1)} y={top} height={bottom - top}>
                <title>
                  {clock(b.at)}: {v} {status}
                </title>
              </rect>
            );
          });
        })}
      </Frame>
    </svg>
  );
}

function WebhookLatency({ data }: { data: Stats }) {
  const from = new Date(data.from).getTime();
  const to = new Date(data.to).getTime();
  const points = data.webhookLatency;
  const max = Math.max(1, ...points.flatMap((p) => [p.p50Ms ?? 0, p.p95Ms ?? 0]));
  const xOf = (iso: string) => PAD.left + ((new Date(iso).getTime() - from) * plotW) / Math.max(1, to - from);
  const yOf = (v: number) => H - PAD.bottom - (v * plotH) / max;
  const path = (key: 'p50Ms' | 'p95Ms') =>
    points
      .filter((p) => p[key] !== null)
      .map((p, i) => `${i ? 'L' : 'M'}${xOf(p.bucket).toFixed(1)},${yOf(p[key]!).toFixed(1)}`)
      .join('');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="lat-title">
      <title id="lat-title">
        Webhook latency p50 and p95 over {points.length} buckets; the highest p95 was {max.toFixed(0)} ms
      </title>
      <Frame from={from} to={to} max={max} unit=" ms">
        <path class="line l1" d={path('p50Ms')} fill="none" />
        <path class="line l2" d={path('p95Ms')} fill="none" />
        {points.map((p) => (
          <circle class="pt l2" cx={xOf(p.bucket)} cy={yOf(p.p95Ms ?? 0)} r="2.5">
            <title>
              {clock(new Date(p.bucket).getTime())}: p50 {p.p50Ms?.toFixed(1)} ms, p95 {p.p95Ms?.toFixed(1)} ms ({p.count} requests)
            </title>
          </circle>
        ))}
      </Frame>
    </svg>
  );
}

/** A half-ring gauge for a ratio 0..1. */
function Gauge({ ratio, label }: { ratio: number | null; label: string }) {
  const r = 60;
  const angle = Math.PI * (ratio ?? 0);
  const end = `${(70 - r * Math.cos(angle)).toFixed(1)},${(70 - r * Math.sin(angle)).toFixed(1)}`;
  return (
    <svg viewBox="0 0 140 80" role="img" aria-label={label} class="gauge">
      <path class="gauge-bg" d={`M10,70 A${r},${r} 0 0 1 130,70`} fill="none" />
      {ratio !== null && ratio > 0 && <path class="gauge-fg" d={`M10,70 A${r},${r} 0 0 1 ${end}`} fill="none" />}
      <text x="70" y="66" text-anchor="middle">
        {ratio === null ? '—' : `${Math.round(ratio * 100)}%`}
      </text>
    </svg>
  );
}

function Legend({ items }: { items: Array<[string, string]> }) {
  return (
    <ul class="legend">
      {items.map(([css, label]) => (
        <li>
          <span class={`swatch ${css}`} aria-hidden="true" /> {label}
        </li>
      ))}
    </ul>
  );
}

export function Charts() {
  const [hours, setHours] = useState(6);
  const [data, setData] = useState<Stats | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setError('');
    stats.get(hours).then(setData, (caught: Error) => setError(caught.message));
  }, [hours]);
  const totals = data?.totals;
  return (
    <section class="charts">
      <h1 tabIndex={-1}>Charts</h1>
      <label class="period">
        Period
        <select value={hours} onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))}>
          {[1, 3, 6, 12, 24, 72, 168].map((h) => (
            <option value={h}>last {h} hour{h === 1 ? '' : 's'}</option>
          ))}
        </select>
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      {data && totals && (
        <div class="chart-grid">
          <figure class="wide">
            <figcaption>Calls per minute by final status</figcaption>
            <CallsPerMinute data={data} />
            <Legend items={STATUS_ORDER.map((s) => [`bar-${s}`, s])} />
          </figure>
          <figure>
            <figcaption>Answer-seizure ratio</figcaption>
            <Gauge ratio={totals.asr} label={`Answer-seizure ratio ${totals.asr === null ? 'unknown' : `${Math.round(totals.asr * 100)} percent`}`} />
            <p class="meta">
              {totals.answered} answered of {totals.calls} finished calls
            </p>
          </figure>
          <figure>
            <figcaption>Average call duration</figcaption>
            <p class="big">{duration(totals.averageDurationSeconds)}</p>
            <p class="meta">over the answered calls of the period</p>
          </figure>
          <figure class="wide">
            <figcaption>Webhook latency (p50, p95)</figcaption>
            <WebhookLatency data={data} />
            <Legend items={[['l1', 'p50'], ['l2', 'p95']]} />
          </figure>
        </div>
      )}
    </section>
  );
}
