import { MAX_STORED_BODY_BYTES, storedBodyExcerpt } from './notifications.service';

describe('storedBodyExcerpt', () => {
  it('keeps at most the first kilobyte of a text body', () => {
    const excerpt = storedBodyExcerpt('<h1>Oops</h1>' + 'x'.repeat(10_000))!;
    expect(Buffer.byteLength(excerpt)).toBe(MAX_STORED_BODY_BYTES);
    expect(excerpt.startsWith('<h1>Oops</h1>')).toBe(true);
  });

  it('never cuts a multi-byte character into garbage at the limit', () => {
    const excerpt = storedBodyExcerpt('ab' + '€'.repeat(1000))!;
    expect(excerpt).not.toContain('\uFFFD');
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(MAX_STORED_BODY_BYTES);
  });

  it('does not keep binary bodies', () => {
    expect(storedBodyExcerpt('RIFF\u0000\u0000WAVEfmt ')).toBe('[binary response body not kept]');
    expect(storedBodyExcerpt(Buffer.from([0xff, 0xfe, 0x41, 0xc3]).toString('utf8'))).toBe(
      '[binary response body not kept]',
    );
  });

  it('drops control characters but keeps lines and tabs', () => {
    expect(storedBodyExcerpt('a\u001b[31mred\u0007\tb\r\nc')).toBe('a[31mred\tb\r\nc');
  });

  it('stores nothing for an empty body', () => {
    expect(storedBodyExcerpt('')).toBeNull();
    expect(storedBodyExcerpt(undefined)).toBeNull();
  });
});
