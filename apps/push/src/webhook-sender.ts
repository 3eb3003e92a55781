import type { Notification } from '@herald/protocol';
import type { Store } from '@herald/store';
import { signWebhook } from './webhook-signature.js';

/** Where one tenant's webhooks go. */
export interface WebhookEndpoint {
  url: string;
  /** The HMAC key of the `Herald-Signature` header. */
  secret: string;
}

/** How webhook deliveries are tried. */
export interface WebhookOptions {
  /** Tries per notification, the first included. @defaultValue 6 */
  maxAttempts?: number;
  /** The delay before the second try; it doubles each time, with full jitter. @defaultValue 500 */
  initialDelayMs?: number;
  /** Cap on the delay between tries. @defaultValue 60_000 */
  maxDelayMs?: number;
  /** How long one request may take. @defaultValue 10_000 */
  timeoutMs?: number;
  /** Requests in flight at once; more wait their turn. @defaultValue 32 */
  concurrency?: number;
  /** The `fetch` to send with. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** The randomness of the jitter, in [0, 1). @defaultValue `Math.random` */
  random?: () => number;
}

/** What happened to one webhook delivery, for metrics and logs. */
export interface WebhookOutcome {
  notificationId: string;
  tenant: string;
  status: 'delivered' | 'failed';
  attempts: number;
  error?: string;
}

interface Job {
  endpoint: WebhookEndpoint;
  notification: Notification;
  body: string;
  attempt: number;
}

const channel = 'webhook';

/** Whether another try can help: network errors, timeouts, 408, 429 and 5xx. */
function retryable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * Sends notifications to tenants' webhook endpoints: a JSON `POST` signed with HMAC-SHA256
 * (`Herald-Signature`, `Herald-Timestamp`, `Herald-Id` headers), retried with exponential
 * backoff and full jitter on network errors, timeouts, 408, 429 and 5xx, and recorded in the
 * store's deliveries (`pending` → `delivered`, or `failed` with the last error and attempts).
 *
 * @example
 * const sender = new WebhookSender(store, {}, (outcome) => log.info(outcome));
 * sender.send({ url: 'https://crm.example/hooks/herald', secret }, notification);
 * await sender.close();
 */
export class WebhookSender {
  readonly #store: Store;
  readonly #maxAttempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #onOutcome: (outcome: WebhookOutcome) => void;
  readonly #waiting: Job[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #closed = false;

  constructor(store: Store, options: WebhookOptions, onOutcome: (outcome: WebhookOutcome) => void) {
    this.#store = store;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#initialDelayMs = options.initialDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 32;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#random = options.random ?? Math.random;
    this.#onOutcome = onOutcome;
  }

  /** Requests in flight or waiting, retries included. */
  get pending(): number {
    return this.#inFlight.size + this.#waiting.length + this.#timers.size;
  }

  /** Records the delivery as pending and sends it in the background. */
  send(endpoint: WebhookEndpoint, notification: Notification): void {
    if (this.#closed) return;
    const key = { tenantId: notification.tenant, notificationId: notification.id, channel };
    // A redelivered event finds its row: the delivery is already under way or done.
    if (!this.#store.deliveries.createPending(key)) return;
    const body = JSON.stringify({ type: 'notification', notification });
    this.#enqueue({ endpoint, notification, body, attempt: 1 });
  }

  /** The delay before try `attempt + 1`: full jitter over an exponential cap. */
  delayAfter(attempt: number): number {
    const cap = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }

  /** Stops retrying (what is left stays `pending` or `failed` in the store) and waits for requests in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#waiting.length = 0;
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  #enqueue(job: Job): void {
    if (this.#inFlight.size >= this.#concurrency) {
      this.#waiting.push(job);
      return;
    }
    const running = this.#attempt(job).finally(() => {
      this.#inFlight.delete(running);
      const next = this.#waiting.shift();
      if (next !== undefined && !this.#closed) this.#enqueue(next);
    });
    this.#inFlight.add(running);
  }

  async #attempt(job: Job): Promise<void> {
    const { notification, endpoint, body } = job;
    const key = { tenantId: notification.tenant, notificationId: notification.id, channel };
    const started = performance.now();
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | undefined;
    let error: string;
    try {
      const response = await this.#fetch(endpoint.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Herald-Webhooks/1',
          'herald-id': notification.id,
          'herald-timestamp': String(timestamp),
          'herald-signature': signWebhook(endpoint.secret, timestamp, body),
          'herald-attempt': String(job.attempt),
        },
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#timeoutMs)]),
        redirect: 'manual',
      });
      status = response.status;
      await response.body?.cancel();
      if (status >= 200 && status < 300) {
        this.#store.deliveries.markDelivered(key, { latencyMs: performance.now() - started });
        this.#onOutcome({
          notificationId: notification.id,
          tenant: notification.tenant,
          status: 'delivered',
          attempts: job.attempt,
        });
        return;
      }
      error = `HTTP ${status}`;
    } catch (cause) {
      if (this.#closed) return;
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    if (this.#store.closed) return;
    this.#store.deliveries.markFailed(key, error);
    if (job.attempt < this.#maxAttempts && retryable(status) && !this.#closed) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#enqueue({ ...job, attempt: job.attempt + 1 });
      }, this.delayAfter(job.attempt));
      this.#timers.add(timer);
      return;
    }
    this.#onOutcome({
      notificationId: notification.id,
      tenant: notification.tenant,
      status: 'failed',
      attempts: job.attempt,
      error,
    });
  }
}
