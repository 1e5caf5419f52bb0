/** Display helpers: times in the browser's zone, durations as m:ss, short sids. */
export function time(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function duration(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) return String(value);
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

export const shortSid = (sid: string) => (sid.length > 14 ? `${sid.slice(0, 8)}…${sid.slice(-4)}` : sid);

/** Field names that hold credentials: never shown, whatever an API answer carries. */
const SECRET = /(token|secret|password|auth|credential)/i;
export const isSecretField = (name: string) => SECRET.test(name);

export function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
