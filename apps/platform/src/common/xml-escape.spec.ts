import { escapeXml } from './xml-escape';

describe('escapeXml', () => {
  it('escapes what would end an element or a double-quoted attribute', () => {
    expect(escapeXml('a & b <c> "d"')).toBe('a &amp; b &lt;c&gt; &quot;d&quot;');
  });
});
