import type { WebhookPurpose } from '../metrics/platform-metrics';

/**
 * One finished request as observers see it (the console's call timeline and latency charts): the URL
 * with its credentials masked, and the call it was about when its parameters name one.
 */
export interface WebhookExchange {
  purpose: WebhookPurpose;
  method: 'GET' | 'POST';
  url: string;
  callSid?: string;
  accountSid?: string;
  /** The final response's HTTP status, or null when none came (network, timeout, refused address). */
  status: number | null;
  latencyMs: number;
  /** A WebhookFailureReason (or `error`), null on success. */
  failure: string | null;
  at: Date;
}

export type WebhookObserver = (exchange: WebhookExchange) => void;

/** A URL for display: user and password replaced by `***` (also when the text does not parse). */
export function redactedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.username && !url.password) return url.href;
    url.username = '***';
    url.password = url.password ? '***' : '';
    return url.href;
  } catch {
    return text.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/** The webhook client's observers; told synchronously, each in a try so none can fail a request. */
export class WebhookObservers {
  private readonly observers = new Set<WebhookObserver>();

  add(observer: WebhookObserver): () => void {
    this.observers.add(observer);
    return () => void this.observers.delete(observer);
  }

  tell(
    purpose: WebhookPurpose,
    about: Pick<WebhookExchange, 'method' | 'url' | 'callSid' | 'accountSid'>,
    seconds: number,
    status: number | null,
    failure: string | null,
  ): void {
    if (this.observers.size === 0) return;
    const exchange: WebhookExchange = {
      ...about,
      url: redactedUrl(about.url),
      purpose,
      status,
      latencyMs: Math.round(seconds * 100000) / 100,
      failure,
      at: new Date(),
    };
    for (const observer of this.observers) {
      try {
        observer(exchange);
      } catch {
        // An observer's bug must not fail the request it observes.
      }
    }
  }
}
