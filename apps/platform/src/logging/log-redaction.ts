/**
 * Secrets that must never reach a log line, whatever logged them: credentials in URLs, Authorization
 * header values, passwords, tokens and secrets in query strings or forms, and bare 32-hex-digit
 * AuthTokens (SIDs carry a two-letter prefix, so they stay readable).
 */
const RULES: Array<[RegExp, string]> = [
  // scheme://user:password@host → scheme://user:***@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi, '$1:***@'],
  [
    /\b(authorization|proxy-authorization)(["']?\s*[:=]\s*["']?)(basic|bearer|digest)\s+[^\s"',]+(?:[^"'\n]*)/gi,
    '$1$2$3 ***',
  ],
  [
    /\b((?:auth_?token|(?:ari_?)?password|passwd|secret|pin|sipauthpassword|token|api_?key)["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi,
    '$1***',
  ],
  [/(?<![A-Za-z0-9])[0-9a-f]{32}(?![0-9a-f])/gi, '***'],
];

export function redactSecrets(text: string): string {
  let redacted = text;
  for (const [pattern, replacement] of RULES) redacted = redacted.replace(pattern, replacement);
  return redacted;
}

const CALL_SID = /\bCA[0-9a-f]{32}\b/;
const ACCOUNT_SID = /\bAC[0-9a-f]{32}\b/;

/** The call and account a log line is about, from the SIDs it names. */
export function sidsIn(text: string): { callSid?: string; accountSid?: string } {
  const callSid = CALL_SID.exec(text)?.[0];
  const accountSid = ACCOUNT_SID.exec(text)?.[0];
  return { ...(callSid ? { callSid } : {}), ...(accountSid ? { accountSid } : {}) };
}
