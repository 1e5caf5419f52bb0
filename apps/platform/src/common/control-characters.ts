/**
 * C0 and C1 control characters, DEL, and the Unicode line and paragraph separators: none belongs in a SIP
 * header (CR and LF would start a new one, NUL ends a C string early) or in a rendered XML document.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
export const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/** The first parameter, by dotted path, whose name or string value holds a control character. */
export function findControlCharacters(value: unknown, path = ''): string | null {
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      if (hasControlCharacters(current)) return at;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        const childPath = at ? `${at}.${key}` : key;
        if (hasControlCharacters(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}
