import type { Notification } from '@herald/protocol';
import type { Store } from '@herald/store';
import { DeferredDeliveries } from './deferred-deliveries.js';
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
  /**
   * How often the store is swept for tries that came due without this instance knowing: retries
   * and deferred sends left by a restart or by an instance that died. @defaultValue 5_000
   */
  sweepIntervalMs?: number;
}

/** What the sender needs to (re)build a delivery from the store. */
export interface WebhookSources {
  /** Where a tenant's webhooks go now; `undefined` when nowhere (the delivery then fails). */
  endpointFor: (tenant: string) => WebhookEndpoint | undefined;
  /** The notification to send again, from the inbox; `undefined` when it is gone. */
  load: (tenant: string, notificationId: string) => Notification | undefined;
  /** Told the end of each delivery, for metrics and logs. */
  onOutcome: (outcome: WebhookOutcome) => void;
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
/** Most due tries taken from the store at once. */
const claimBatch = 100;

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
 * The next try lives in the store (`deliveries.next_attempt_at`), not only in a timer: a retry
 * or a send deferred to the end of quiet hours survives a restart, and a try in progress holds
 * a lease, so when an instance dies another one (or its restart) picks the delivery up. A
 * receiver may see a try twice after a crash; `Herald-Id` names the notification.
 *
 * @example
 * const sender = new WebhookSender(store, {}, { endpointFor, load, onOutcome: (outcome) => log.info(outcome) });
 * sender.start();
 * sender.send({ url: 'https://crm.example/hooks/herald', secret }, notification);
 * await sender.close();
 */
export class WebhookSender {
  readonly #store: Store;
  readonly #sources: WebhookSources;
  readonly #maxAttempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #sweepIntervalMs: number;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #waiting: Job[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  /** Due times this instance knows of (retries, deferred sends): the store is asked then. */
  readonly #wakeUps = new DeferredDeliveries(Date.now);
  #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: Store, options: WebhookOptions, sources: WebhookSources) {
    this.#store = store;
    this.#sources = sources;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#initialDelayMs = options.initialDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // A try holds its delivery this long: its request, plus time queued behind others.
    this.#leaseMs = Math.max(30_000, this.#timeoutMs * 3);
    this.#concurrency = options.concurrency ?? 32;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#random = options.random ?? Math.random;
  }

  /** Requests in flight or waiting their turn. */
  get pending(): number {
    return this.#inFlight.size + this.#waiting.length;
  }

  /** Takes up the tries the store holds (due ones now, the rest as they come due), and sweeps periodically. */
  start(): void {
    if (this.#closed || this.#sweepTimer !== undefined) return;
    this.#sweep();
  }

  /**
   * Records the delivery and sends it: now, or with `at` (epoch ms) in the future, then (the
   * store keeps it across restarts). A redelivered notification that already has one is left alone.
   */
  send(endpoint: WebhookEndpoint, notification: Notification, options: { at?: number } = {}): void {
    if (this.#closed) return;
    const key = { tenantId: notification.tenant, notificationId: notification.id, channel };
    const now = Date.now();
    const deferred = options.at !== undefined && options.at > now;
    const nextAttemptAt = deferred ? Math.ceil(options.at!) : now + this.#leaseMs;
    // A redelivered event finds its row: the delivery is already under way or done.
    if (!this.#store.deliveries.createPending(key, { nextAttemptAt })) return;
    if (deferred) {
      this.#wakeUpAt(nextAttemptAt);
      return;
    }
    this.#enqueue({ endpoint, notification, body: bodyOf(notification), attempt: 1 });
  }

  /** The delay before try `attempt + 1`: full jitter over an exponential cap. */
  delayAfter(attempt: number): number {
    const cap = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * cap);
  }

  /** Stops sending (what is left stays due in the store for the next start) and waits for requests in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#sweepTimer);
    this.#wakeUps.clear();
    this.#waiting.length = 0;
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  #sweep(): void {
    this.#takeDue();
    if (this.#closed) return;
    this.#sweepTimer = setTimeout(() => this.#sweep(), this.#sweepIntervalMs);
    this.#sweepTimer.unref();
  }

  #wakeUpAt(at: number): void {
    this.#wakeUps.schedule(at, () => this.#takeDue());
  }

  /** Takes every try due by `now` from the store and sends it. */
  #takeDue(now = Date.now()): void {
    for (let taken = claimBatch; taken === claimBatch && !this.#closed;) {
      let due;
      try {
        due = this.#store.deliveries.claimDue(channel, now, this.#leaseMs, claimBatch);
      } catch {
        // The store did not answer: the next sweep tries again.
        return;
      }
      taken = due.length;
      for (const delivery of due)
        this.#resume(delivery.tenantId, delivery.notificationId, delivery.attempts + 1, delivery.lastError);
    }
  }

  #resume(tenant: string, notificationId: string, attempt: number, lastError: string | null): void {
    const notification = this.#sources.load(tenant, notificationId);
    const endpoint = this.#sources.endpointFor(tenant);
    if (attempt <= this.#maxAttempts && notification !== undefined && endpoint !== undefined) {
      this.#enqueue({ endpoint, notification, body: bodyOf(notification), attempt });
      return;
    }
    const error =
      attempt > this.#maxAttempts
        ? (lastError ?? 'retry budget spent')
        : notification === undefined
          ? 'the notification is no longer in the inbox'
          : 'no webhook endpoint for the tenant';
    this.#store.deliveries.markFailed({ tenantId: tenant, notificationId, channel }, error);
    this.#sources.onOutcome({ notificationId, tenant, status: 'failed', attempts: attempt - 1, error });
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
        this.#sources.onOutcome({
          notificationId: notification.id,
          tenant: notification.tenant,
          status: 'delivered',
          attempts: job.attempt,
        });
        return;
      }
      error = `HTTP ${status}`;
    } catch (cause) {
      // Closing: the try's lease runs out and the next start takes it up again.
      if (this.#closed) return;
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    if (this.#store.closed) return;
    if (job.attempt < this.#maxAttempts && retryable(status) && !this.#closed) {
      const retryAt = Date.now() + this.delayAfter(job.attempt);
      this.#store.deliveries.markFailed(key, error, { retryAt });
      this.#wakeUpAt(retryAt);
      return;
    }
    this.#store.deliveries.markFailed(key, error);
    this.#sources.onOutcome({
      notificationId: notification.id,
      tenant: notification.tenant,
      status: 'failed',
      attempts: job.attempt,
      error,
    });
  }
}

/**
 * The request body: the same on every try, whether the try was sent from the pipeline or resumed
 * from the store (which has no live stage times), so `stages` is left out.
 */
function bodyOf(notification: Notification): string {
  const { stages: _stages, ...sent } = notification;
  return JSON.stringify({ type: 'notification', notification: sent });
}
