import twilio from 'twilio';

type RequestOptions = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/**
 * The SDK's own HTTP client pointed at the local platform: every request the SDK builds for a
 * Twilio host (`api.twilio.com`, `accounts.twilio.com`, …) goes to `base` instead, with the
 * credentials, headers and form encoding the SDK chose.
 */
export class LocalRequestClient extends twilio.RequestClient {
  readonly uris: string[] = [];

  constructor(private readonly base: string) {
    // No keep-alive: pooled sockets to the platform would outlive the test run.
    super({ keepAlive: false });
  }

  request<TData>(opts: RequestOptions & { data?: TData }) {
    const uri = opts.uri.replace(/^https:\/\/[a-z]+\.twilio\.com/, this.base);
    this.uris.push(uri);
    return super.request<TData>({ ...opts, uri });
  }
}

/** What the SDK throws (RestException), for asserting status and code. */
export async function restError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; code: number; message: string; moreInfo: string };
  }
  throw new Error('expected the SDK to throw');
}
