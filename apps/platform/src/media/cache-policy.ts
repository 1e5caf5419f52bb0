/** The response headers that decide how long a fetched media file may be reused. */
export interface CacheHeaders {
  cacheControl: string;
  expires: string;
  date: string;
  age: string;
}

export interface Freshness {
  /** `no-store`: the copy serves this playback only and is never reused. */
  store: boolean;
  /** Until when the copy is used without asking the app server again (epoch ms); `0` = revalidate every time. */
  freshUntil: number;
}

/** Directive names in lower case; a value is the directive's argument without quotes, or '' when it has none. */
export function parseCacheControl(header: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of header.split(',')) {
    const [rawName, ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    directives.set(
      name,
      rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return directives;
}

function seconds(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/**
 * HTTP caching (RFC 9111) as a shared cache applies it: `no-store` is not kept, `no-cache` is kept but
 * revalidated on every use, `s-maxage` wins over `max-age`, which wins over `Expires`; the response's
 * `Age` counts against its lifetime. Without any of these a copy is revalidated before reuse (when
 * it has a validator) rather than guessed fresh: an app server that changes a file at the same URL
 * expects callers to hear the new one.
 */
export function freshness(headers: CacheHeaders, receivedAt: number): Freshness {
  const directives = parseCacheControl(headers.cacheControl);
  if (directives.has('no-store')) return { store: false, freshUntil: 0 };
  if (directives.has('no-cache')) return { store: true, freshUntil: 0 };
  const age = seconds(headers.age.trim()) ?? 0;
  const maxAge = seconds(directives.get('s-maxage')) ?? seconds(directives.get('max-age'));
  if (maxAge !== null) return { store: true, freshUntil: receivedAt + Math.max(0, maxAge - age) * 1000 };
  const expires = Date.parse(headers.expires);
  if (headers.expires && !Number.isNaN(expires)) {
    // Expires is relative to the server's clock: measure it from the server's Date when there is one.
    const serverNow = Date.parse(headers.date);
    const lifetime = expires - (Number.isNaN(serverNow) ? receivedAt : serverNow);
    return { store: true, freshUntil: receivedAt + Math.max(0, lifetime) };
  }
  return { store: true, freshUntil: 0 };
}
