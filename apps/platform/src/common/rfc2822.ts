/** RFC 2822 in UTC as Twilio writes it: `Tue, 10 Aug 2010 08:02:17 +0000`. */
export function rfc2822(date: Date | string | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  const value = new Date(date);
  if (Number.isNaN(value.getTime())) return null;
  return value.toUTCString().replace(/GMT$/, '+0000');
}
