import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Gateway } from '@herald/gateway';
import type { CustomerProfile, CustomerProfiles } from '@herald/profiles';
import { decodeLoggedEvent, priorityRank, type LoggedEvent, type Notification } from '@herald/protocol';
import { evaluate, type NotificationDraft, type RuleSet } from '@herald/rules';
import type { Store } from '@herald/store';
import type { ConsumedBatch, ConsumedRecord, EventLog } from '@herald/transport';
import type { Logger } from 'pino';
import { DeferredDeliveries } from './deferred-deliveries.js';
import { decideDelivery } from './delivery-decision.js';
import { FairQueue } from './fair-queue.js';
import type { LatencyStats, StageTimes } from './latency-stats.js';
import type { PushMetrics } from './push-metrics.js';
import { recipientSettings } from './recipient-settings.js';
import type { Throttle } from './throttle.js';
import { toNotification } from './to-notification.js';
import type { WebhookEndpoint, WebhookSender } from './webhook-sender.js';

/** What the pipeline works with; it closes none of them. */
export interface PipelineDeps {
  log: EventLog;
  store: Store;
  profiles: CustomerProfiles;
  gateway: Gateway;
  throttle: Throttle;
  webhooks: WebhookSender;
  webhookEndpoint: (tenant: string) => WebhookEndpoint | undefined;
  ruleSets: (tenant: string) => RuleSet;
  teamMembers: ((tenant: string, team: string) => readonly string[] | undefined) | undefined;
  latency: LatencyStats;
  metrics: PushMetrics;
  logger: Logger;
  now: () => number;
  /** The clock of stage times (epoch ms, with a fraction of a millisecond where it has one). */
  stamp: () => number;
  /** Notifications handled per turn of the event loop before other batches may join the queue. */
  sliceSize: number;
}

/** A batch's events of one customer share one profile read. */
const customerKey = (event: LoggedEvent) => `${event.tenant}\u0000${event.customerId}`;

// Reminders are the scheduler's part: it evaluates the same events for them.
const onlyNotifications = { only: 'notifications' } as const;

interface Work {
  event: LoggedEvent;
  draft: NotificationDraft;
  consumedAt: number;
  live: boolean;
  webhook: boolean;
  deferUntil: number | undefined;
  done: () => void;
  fail: (error: unknown) => void;
}

/**
 * The heart of push: turns a batch of logged events into stored notifications and live
 * deliveries. Per event it reads the customer profile and evaluates the tenant's rules; per
 * notification it applies the recipient's preferences (opt-outs, quiet hours) and throttle, then
 * queues the work in a {@link FairQueue} (priority first, fair across tenants) that one worker
 * drains: insert into the inbox (idempotent by id), then deliver to sockets on every instance and
 * to the tenant's webhook. A batch resolves (and its offsets commit) only once every
 * notification it made is in the inbox, so a crash redelivers it and replays land on the same rows.
 */
export class NotificationPipeline {
  readonly #deps: PipelineDeps;
  readonly #queue = new FairQueue<Work>();
  readonly #deferred: DeferredDeliveries;
  readonly #planning = new Map<number, Promise<void>>();
  #draining = false;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#deferred = new DeferredDeliveries(deps.now);
  }

  /** Notifications queued and not yet stored. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Live deliveries waiting for quiet hours to end. */
  get deferred(): number {
    return this.#deferred.size;
  }

  /**
   * The log consumer's handler. Batches of one partition may overlap (the consumer reads ahead),
   * so planning is chained per partition: work enters the queue in log order, and one customer's
   * events keep their order within a priority.
   */
  readonly handle = async (batch: ConsumedBatch): Promise<void> => {
    const consumedAt = this.#deps.stamp();
    const previous = this.#planning.get(batch.partition) ?? Promise.resolve();
    const planned = previous.then(() => this.#planBatch(batch, consumedAt));
    const settled = planned.then(
      () => undefined,
      () => undefined,
    );
    this.#planning.set(batch.partition, settled);
    void settled.then(() => {
      if (this.#planning.get(batch.partition) === settled) this.#planning.delete(batch.partition);
    });
    const works = await planned;
    void this.#drain();
    await Promise.all(works);
  };

  async #planBatch(batch: ConsumedBatch, consumedAt: number): Promise<Promise<void>[]> {
    const events: LoggedEvent[] = [];
    for (const record of batch.records) {
      const event = await this.#decode(record);
      if (event !== undefined) events.push(event);
    }
    const customers = this.#readCustomers(events);
    const works: Promise<void>[] = [];
    for (const event of events) {
      const customer = await customers.get(customerKey(event))!;
      for (const work of await this.#plan(event, customer, consumedAt)) works.push(work);
    }
    return works;
  }

  /**
   * The profiles of a batch's customers, each read once and all at the same time. Read before
   * each event's planning instead, every event waited out a cache round trip of its own, and
   * with Redis that held a partition to about one event per round trip (at 1,000 events/s of
   * one customer, push fell behind by seconds).
   */
  #readCustomers(events: readonly LoggedEvent[]): Map<string, Promise<CustomerProfile | undefined>> {
    const reads = new Map<string, Promise<CustomerProfile | undefined>>();
    for (const event of events) {
      const key = customerKey(event);
      if (reads.has(key)) continue;
      const read = this.#deps.profiles.get(event.tenant, event.customerId);
      // Awaited in the planning loop; handled here too, as a read the loop never reaches (an
      // earlier event's planning failed) must not reject unhandled.
      read.catch(() => undefined);
      reads.set(key, read);
    }
    return reads;
  }

  /** Forgets deferred live deliveries (their items are in the inbox already). */
  close(): void {
    this.#deferred.clear();
  }

  async #decode(record: ConsumedRecord): Promise<LoggedEvent | undefined> {
    try {
      const event = decodeLoggedEvent(record.value);
      this.#deps.metrics.events.inc({ outcome: 'evaluated' });
      return event;
    } catch (error) {
      // No retry can fix a record that does not decode: straight to the dead letters.
      this.#deps.metrics.events.inc({ outcome: 'malformed' });
      this.#deps.logger.error(
        { err: error, partition: record.partition, offset: record.offset },
        'malformed event sent to the dead-letter topic',
      );
      await this.#deps.log.publish(`${record.topic}.dlq`, [
        {
          key: record.key,
          value: record.value,
          headers: {
            ...record.headers,
            'herald-error': error instanceof Error ? error.message : String(error),
            'herald-original-offset': `${record.partition}:${record.offset}`,
          },
        },
      ]);
      return undefined;
    }
  }

  async #plan(
    event: LoggedEvent,
    customer: CustomerProfile | undefined,
    consumedAt: number,
  ): Promise<Promise<void>[]> {
    const { store, ruleSets, teamMembers, throttle, logger, metrics, now } = this.#deps;
    const tenant = event.tenant;
    const context = {
      customer,
      ...recipientSettings(store, tenant),
      ...(teamMembers === undefined ? {} : { teamMembers: (team: string) => teamMembers(tenant, team) }),
    };
    const { notifications, warnings } = evaluate(ruleSets(tenant), event, context, onlyNotifications);
    for (const warning of warnings) logger.warn({ tenant, eventId: event.id, ...warning }, 'rule warning');
    const works: Promise<void>[] = [];
    for (const draft of notifications) {
      const decision = decideDelivery(draft, store.preferences.get(tenant, draft.recipient), now());
      if (decision.channels.length === 0) {
        metrics.notifications.inc({ outcome: 'opted_out' });
        continue;
      }
      draft.channels = decision.channels;
      const allowed =
        draft.priority === 'critical' ||
        (await throttle.allow(tenant, draft.recipient, draft.category, now()));
      if (!allowed) metrics.notifications.inc({ outcome: 'throttled' });
      const work = new Promise<void>((done, fail) => {
        this.#queue.push(tenant, priorityRank(draft.priority), {
          event,
          draft,
          consumedAt,
          live: allowed && decision.channels.includes('in_app'),
          webhook: allowed && decision.channels.includes('webhook'),
          deferUntil: decision.deferUntil,
          done,
          fail,
        });
      });
      // Handled here as well as by the batch: if planning fails further on, nobody awaits it.
      work.catch(() => undefined);
      works.push(work);
    }
    return works;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.size > 0) {
        const slice: Work[] = [];
        for (let work = this.#queue.pop(); work !== undefined; work = this.#queue.pop()) {
          slice.push(work);
          if (slice.length === this.#deps.sliceSize) break;
        }
        for (const deliver of this.#storeSlice(slice)) deliver();
        // Let batches of other partitions (other tenants) join the queue before the next slice.
        await nextTurn();
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Stores a slice's notifications in one transaction (a commit per notification cost more than
   * the insert) and returns their deliveries, to run once it is committed: no client ever sees
   * a notification, or a seq, that a crash could still take back.
   */
  #storeSlice(slice: readonly Work[]): (() => void)[] {
    let deliveries: (() => void)[] = [];
    try {
      this.#deps.store.transaction(() => {
        deliveries = [];
        for (const work of slice) {
          try {
            deliveries.push(this.#process(work));
          } catch (error) {
            work.fail(error);
          }
        }
      });
    } catch (error) {
      // The commit failed: nothing of the slice is stored, so all of it is retried.
      for (const work of slice) work.fail(error);
      return [];
    }
    return deliveries;
  }

  /** Inserts one notification (inside the slice's transaction) and returns what delivers it. */
  #process(work: Work): () => void {
    const { store, metrics, stamp } = this.#deps;
    const { event, draft } = work;
    const started = performance.now();
    // The stage times the latency figures are made of keep their fraction of a millisecond; the
    // notification (stored, sent, its schema) carries them in whole milliseconds.
    const times = { ingested: event.receivedAt, appended: event.appendedAt, consumed: work.consumedAt };
    const stages = {
      occurred: Date.parse(event.occurredAt),
      ingested: Math.floor(times.ingested),
      appended: Math.floor(times.appended),
      consumed: Math.floor(times.consumed),
    };
    const stored = store.inbox.insert({
      tenantId: event.tenant,
      id: draft.id,
      recipientId: draft.recipient,
      eventId: draft.eventId,
      rule: draft.rule,
      title: draft.title,
      body: draft.body,
      data: draft.data,
      priority: priorityRank(draft.priority),
      category: draft.category,
      collapseKey: draft.collapseKey ?? null,
      channels: draft.channels,
      stages,
      createdAt: stages.occurred,
      expiresAt: draft.expiresAt ?? null,
    });
    if (!stored.inserted) metrics.notifications.inc({ outcome: 'replayed' });
    return () => {
      const storedAt = stamp();
      const notification = toNotification(stored.notification, { ...stages, stored: Math.floor(storedAt) });
      const timed = { ...times, stored: storedAt };
      const deliverAt = work.deferUntil;
      if (deliverAt !== undefined && (work.live || work.webhook)) {
        metrics.notifications.inc({ outcome: 'deferred' });
        // The webhook's send time is kept in the store (it survives a restart); the live push
        // waits in memory, and clients that reconnect read the item from the inbox anyway.
        if (work.webhook) this.#sendWebhook(notification, deliverAt);
        if (work.live) {
          const live = { ...work, webhook: false };
          this.#deferred.schedule(deliverAt, () => {
            // Marks made meanwhile moved the count the insert saw.
            const unreadCount = this.#unreadCountNow(notification);
            void this.#deliver(live, notification, stored.replaced, unreadCount, timed, started);
          });
        }
        work.done();
        return;
      }
      void this.#deliver(work, notification, stored.replaced, stored.unreadCount, timed, started).finally(
        work.done,
      );
    };
  }

  /** Hands the notification to the tenant's webhook, now or at `at`. */
  #sendWebhook(notification: Notification, at?: number): void {
    const { webhooks, webhookEndpoint, logger } = this.#deps;
    const endpoint = webhookEndpoint(notification.tenant);
    if (endpoint === undefined) return;
    try {
      webhooks.send(endpoint, notification, at === undefined ? {} : { at });
    } catch (error) {
      logger.error({ err: error, notificationId: notification.id }, 'webhook delivery not recorded');
    }
  }

  /** The recipient's unread count now, or none when the store cannot tell (the frame goes without). */
  #unreadCountNow(notification: Notification): number | undefined {
    try {
      return this.#deps.store.inbox.unreadCount(notification.tenant, notification.recipient);
    } catch (error) {
      this.#deps.logger.warn({ err: error, notificationId: notification.id }, 'unread count unavailable');
      return undefined;
    }
  }

  async #deliver(
    work: Work,
    notification: Notification,
    replaces: string[],
    unreadCount: number | undefined,
    times: Omit<StageTimes, 'written'>,
    started: number,
  ): Promise<void> {
    const { gateway, latency, metrics, logger, stamp } = this.#deps;
    if (work.webhook) this.#sendWebhook(notification);
    if (!work.live) return;
    let writtenAt: number;
    try {
      const delivered = gateway.deliver(notification, { replaces, unreadCount });
      // This instance's sockets have the frame now; what follows is the message to the other
      // instances (a cache round trip), not a stage of this delivery.
      writtenAt = stamp();
      await delivered;
    } catch (error) {
      // Stored already: connected clients get it when they resume.
      logger.warn({ err: error, notificationId: notification.id }, 'live delivery failed');
      return;
    }
    metrics.notifications.inc({ outcome: 'delivered' });
    latency.record(notification.tenant, { ...times, written: writtenAt }, performance.now() - started);
  }
}
