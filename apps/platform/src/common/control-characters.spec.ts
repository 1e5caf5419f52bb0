import fc from 'fast-check';
import { ControlCharacterPipe } from './control-character.pipe';
import { findControlCharacters, hasControlCharacters } from './control-characters';
import { DomainError } from './domain-error';

const controlCharacter = fc
  .oneof(
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.constantFrom(0x2028, 0x2029),
  )
  .map((code) => String.fromCharCode(code));

const isControl = (char: string) => {
  const code = char.codePointAt(0)!;
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
};

describe('control characters', () => {
  it('finds one wherever it is in a string', () => {
    fc.assert(
      fc.property(fc.string(), controlCharacter, fc.string(), (before, control, after) =>
        hasControlCharacters(before + control + after),
      ),
    );
  });

  it('finds none in text without them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(hasControlCharacters(text)).toBe([...text].some(isControl));
      }),
    );
  });

  it('names the first offending parameter, in keys and nested values too', () => {
    expect(findControlCharacters({ From: '+1', To: 'sip:a@b\r\nVia: x' })).toBe('To');
    expect(findControlCharacters({ a: { b: ['ok', 'bad\u0000'] } })).toBe('a.b.1');
    expect(findControlCharacters({ 'X-\nEvil': 'v' })).toBe('X-\nEvil');
    expect(findControlCharacters({ From: '+1 (555) ☎ Zoë' })).toBeNull();
  });
});

describe('ControlCharacterPipe', () => {
  const pipe = new ControlCharacterPipe();
  const refuse = (value: unknown, data?: string) => {
    try {
      pipe.transform(value, { type: 'body', data });
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    }
    throw new Error('expected a refusal');
  };

  it.each([
    [{ From: '+1555\r\nX-Evil: 1' }, 21212],
    [{ CallerId: 'a\u0000' }, 21212],
    [{ To: 'sip:bob@host\n' }, 21211],
    [{ FriendlyName: 'x\u001b[2J' }, 21000],
    [{ CallerName: 'Bob\u2028' }, 21000],
  ])('refuses %j with code %d', (body, code) => {
    const error = refuse(body);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/must not contain control characters/);
  });

  it('checks path and query parameters by name', () => {
    expect(refuse('CA1\r\n', 'callSid').message).toContain("'callSid'");
  });

  it('passes everything else through unchanged', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (body) => {
        fc.pre(findControlCharacters(body) === null);
        expect(pipe.transform(body, { type: 'body' })).toBe(body);
      }),
    );
  });
});
