import { statusLinesXml } from './sipx-status-lines';

describe('statusLinesXml', () => {
  it("is sipX's document: one status-line per response, in order", () => {
    expect(statusLinesXml(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK'])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<status-lines>\n' +
        '  <status-line>SIP/2.0 180 Ringing</status-line>\n' +
        '  <status-line>SIP/2.0 200 OK</status-line>\n' +
        '</status-lines>\n',
    );
  });

  it('escapes what the far end put in its reason phrase', () => {
    expect(statusLinesXml(['SIP/2.0 183 <Early> & loud'])).toContain(
      '<status-line>SIP/2.0 183 &lt;Early&gt; &amp; loud</status-line>',
    );
  });

  it('notes a REFER in a comment (no NOTIFY reaches the platform), never as a status line', () => {
    const xml = statusLinesXml(['SIP/2.0 200 OK'], '1002');
    expect(xml).toContain('<!-- REFER sent to 1002 -->');
    expect(xml.match(/<status-line>/g)).toHaveLength(1);
    expect(statusLinesXml([])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<status-lines>\n</status-lines>\n',
    );
  });
});
