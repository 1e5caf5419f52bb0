import { createHmac } from 'node:crypto';

/** X-Twilio-Signature: HMAC-SHA1 over the URL plus, for form POSTs, each sorted name+value pair. */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string> | null,
): string {
  let data = url;
  if (params) {
    for (const name of Object.keys(params).sort()) data += name + params[name];
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}
