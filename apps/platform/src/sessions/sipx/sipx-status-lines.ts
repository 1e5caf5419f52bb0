import { escapeXml } from '../../common/xml-escape';

/** sipX's namespace of the document is not in its public text: the element names are what clients read. */
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The GET's body: one `<status-line>` per SIP response seen on the call's setup, in order. A REFER
 * mode call notes the REFER in a comment: its NOTIFYs never reach the platform, so no line stands for it.
 */
export function statusLinesXml(lines: readonly string[], referSentTo: string | null = null): string {
  const items = lines.map((line) => `  <status-line>${escapeXml(line)}</status-line>\n`).join('');
  const refer = referSentTo
    ? `  <!-- REFER sent to ${escapeXml(referSentTo).replace(/--/g, '- -')} -->\n`
    : '';
  return `${XML_DECLARATION}\n<status-lines>\n${items}${refer}</status-lines>\n`;
}
