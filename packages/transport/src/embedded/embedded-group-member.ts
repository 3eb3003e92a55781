import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { DeliveryOutcome } from '../deliver-batch.js';
import { InFlightBatches } from '../in-flight-batches.js';
import type { ConsumedBatch, ConsumedRecord, SubscribeOptions, Subscription } from '../event-log.js';
import type { AppendNotifier } from './append-notifier.js';
import type { LogStorage } from './log-storage.js';
import { PacedCommits } from './paced-commits.js';

/**
 * How often a caught-up consumer reads although nothing announced an append: appends wake it
 * (its own process's at once, other processes' through the log's check of the storage), so
 * this only bounds what a lost wake-up could cost.
 */
const idleReadIntervalMs = 1000;

/** Waits for `settled`, or `ms` at most. */
async function settledOrAfter(settled: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([settled, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

interface MemberSettings {
  storage: LogStorage;
  notifier: AppendNotifier;
  subscribe: SubscribeOptions;
  partitions: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  commitIntervalMs: number;
  now: () => number;
  deliver: (batch: ConsumedBatch, isStopping: () => boolean) => Promise<DeliveryOutcome>;
  onClosed: () => void;
}

/** One partition being consumed: its loop and the switch that stops it. */
interface PartitionWorker {
  stop: AbortController;
  done: Promise<void>;
}

/**
 * A consumer-group member of the embedded log. Membership and partition ownership are
 * leases in storage, so members in other processes on the same database take part:
 * every member computes the same assignment from the sorted list of live members,
 * takes a partition only once its previous owner released it or its lease expired,
 * and commits only while it still holds the lease (a member that stalled past its
 * session is fenced off instead of committing over its successor).
 */
export class EmbeddedGroupMember implements Subscription {
  readonly topic: string;
  readonly group: string;
  readonly id = randomUUID();
  readonly #settings: MemberSettings;
  readonly #workers = new Map<number, PartitionWorker>();
  #heartbeat: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(settings: MemberSettings) {
    this.#settings = settings;
    this.topic = settings.subscribe.topic;
    this.group = settings.subscribe.group;
  }

  start(): void {
    this.#schedule();
    this.#heartbeat = setInterval(() => this.#schedule(), this.#settings.heartbeatIntervalMs);
  }

  assignedPartitions(): readonly number[] {
    return [...this.#workers.keys()].sort((a, b) => a - b);
  }

  #schedule(): void {
    if (this.#closing) return;
    try {
      this.#rebalance();
    } catch (error) {
      // Storage briefly unavailable (e.g. locked): the next heartbeat tries again.
      this.#settings.subscribe.onError?.(error, undefined);
    }
  }

  /** Renews this member's leases and moves partitions to match the current membership. */
  #rebalance(): void {
    const { storage, sessionTimeoutMs, now: clock, partitions } = this.#settings;
    const now = clock();
    const leaseUntil = now + sessionTimeoutMs;
    const members = storage.heartbeat(this.group, this.topic, this.id, leaseUntil, now);
    const index = Math.max(0, members.indexOf(this.id));
    const count = Math.max(1, members.length);
    for (const [partition, worker] of this.#workers) {
      if (worker.stop.signal.aborted) continue;
      const keep =
        partition % count === index &&
        storage.acquire(this.group, this.topic, partition, this.id, leaseUntil, now);
      // The partition is released once the batch in hand is committed (see #startWorker).
      if (!keep) worker.stop.abort();
    }
    for (let partition = index; partition < partitions; partition += count) {
      if (this.#workers.has(partition)) continue;
      if (storage.acquire(this.group, this.topic, partition, this.id, leaseUntil, now))
        this.#startWorker(partition);
    }
  }

  #startWorker(partition: number): void {
    const { storage, subscribe } = this.#settings;
    const stop = new AbortController();
    const worker: PartitionWorker = { stop, done: Promise.resolve() };
    worker.done = this.#consume(partition, stop.signal)
      .catch((error: unknown) => subscribe.onError?.(error, undefined))
      .finally(() => {
        if (this.#workers.get(partition) === worker) this.#workers.delete(partition);
        storage.release(this.group, this.topic, partition, this.id);
      });
    this.#workers.set(partition, worker);
  }

  async #consume(partition: number, signal: AbortSignal): Promise<void> {
    const { storage, notifier, subscribe, commitIntervalMs, now } = this.#settings;
    const maxBatchSize = subscribe.maxBatchSize ?? 500;
    const batchWaitMs = subscribe.batchWaitMs ?? 0;
    let offset = storage.committedOffset(this.group, this.topic, partition);
    if (offset === undefined) {
      offset =
        subscribe.startFrom === 'latest'
          ? storage.highWatermark(this.topic, partition)
          : storage.lowWatermark(this.topic, partition);
      // Pin the starting point, so a restart before the first record does not move it.
      if (!storage.commit(this.group, this.topic, partition, this.id, offset, now())) return;
    }
    const inFlight = new InFlightBatches(subscribe.maxInFlightBatches ?? 1);
    const commits = new PacedCommits(commitIntervalMs, (next) =>
      storage.commit(this.group, this.topic, partition, this.id, next, now()),
    );
    let readFrom = offset;
    // The last read reached the end of the partition at this count of announced appends: until
    // the count moves, reading again would find nothing. At a trickle, that empty read was
    // every other one.
    let readToEndAt: number | undefined;
    let readAt = 0;
    while (!signal.aborted) {
      const delivered = inFlight.takeDelivered();
      if (delivered.stopped || !commits.offer(delivered.commit)) break;
      if (inFlight.full) {
        const settled = inFlight.oldestSettled();
        // With handled offsets waiting, wake in time to commit them.
        if (commits.pending) await settledOrAfter(settled, commits.waitMs(commitIntervalMs));
        else await settled;
        continue;
      }
      const appends = notifier.appendCount(this.topic, partition);
      const idleReadDueIn = readAt + idleReadIntervalMs - performance.now();
      let records: ConsumedRecord[] = [];
      if (readToEndAt !== appends || idleReadDueIn <= 0) {
        records = storage.read(this.topic, partition, readFrom, maxBatchSize);
        readAt = performance.now();
        readToEndAt = records.length < maxBatchSize ? appends : undefined;
      }
      if (records.length === 0) {
        const waitMs = commits.waitMs(Math.max(0, readAt + idleReadIntervalMs - performance.now()));
        const appended = notifier.wait(this.topic, partition, waitMs, signal);
        await (inFlight.size === 0 ? appended : Promise.race([appended, inFlight.oldestSettled()]));
        if (batchWaitMs > 0 && notifier.appendCount(this.topic, partition) !== appends && !signal.aborted) {
          // Woken by an append: let the next ones come too (but wake in time to commit).
          await delay(commits.waitMs(batchWaitMs), undefined, { signal }).catch(() => undefined);
        }
        continue;
      }
      readFrom = records[records.length - 1]!.offset + 1;
      inFlight.add(
        readFrom,
        this.#settings.deliver({ topic: this.topic, partition, records }, () => signal.aborted),
      );
    }
    // Leaving: handlers still running finish (or give up retrying), and what they finished is committed.
    const delivered = await inFlight.settleAll();
    commits.flush(delivered.commit);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#heartbeat);
      const workers = [...this.#workers.values()];
      for (const worker of workers) worker.stop.abort();
      await Promise.all(workers.map((worker) => worker.done));
      this.#settings.storage.leave(this.group, this.topic, this.id);
      this.#settings.onClosed();
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
