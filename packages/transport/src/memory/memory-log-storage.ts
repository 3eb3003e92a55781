import type { ConsumedRecord } from '../event-log.js';
import type { AppendRequest, LogStorage } from '../embedded/log-storage.js';

interface PartitionData {
  /** Offset of records[0]; grows as retention trims the front. */
  base: number;
  records: ConsumedRecord[];
}

const slot = (...parts: (string | number)[]) => parts.join('\u0000');

/** Log storage in this process's memory: the same semantics as SQLite, nothing survives the process. */
export class MemoryLogStorage implements LogStorage {
  readonly #topics = new Map<string, PartitionData[]>();
  readonly #offsets = new Map<string, { offset: number; committedAt: number; group: string }>();
  readonly #members = new Map<string, Map<string, number>>();
  readonly #leases = new Map<string, { owner: string; until: number }>();

  ensureTopic(topic: string, partitions: number): number {
    const existing = this.#topics.get(topic);
    if (existing) return existing.length;
    this.#topics.set(
      topic,
      Array.from({ length: partitions }, () => ({ base: 0, records: [] })),
    );
    return partitions;
  }

  partitionCount(topic: string): number | undefined {
    return this.#topics.get(topic)?.length;
  }

  append(requests: readonly AppendRequest[]): number[][] {
    return requests.map(({ topic, records }) => {
      const partitions = this.#topics.get(topic) ?? [];
      return records.map((record) => {
        const data = partitions[record.partition]!;
        const offset = data.base + data.records.length;
        data.records.push({ topic, offset, ...record, headers: { ...record.headers } });
        return offset;
      });
    });
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): ConsumedRecord[] {
    const data = this.#topics.get(topic)?.[partition];
    if (!data) return [];
    const start = Math.max(0, fromOffset - data.base);
    return data.records.slice(start, start + maxRecords);
  }

  highWatermark(topic: string, partition: number): number {
    const data = this.#topics.get(topic)?.[partition];
    return data ? data.base + data.records.length : 0;
  }

  lowWatermark(topic: string, partition: number): number {
    return this.#topics.get(topic)?.[partition]?.base ?? 0;
  }

  committedOffset(group: string, topic: string, partition: number): number | undefined {
    return this.#offsets.get(slot(group, topic, partition))?.offset;
  }

  commit(
    group: string,
    topic: string,
    partition: number,
    member: string,
    nextOffset: number,
    now: number,
  ): boolean {
    const lease = this.#leases.get(slot(group, topic, partition));
    if (!lease || lease.owner !== member) return false;
    this.#offsets.set(slot(group, topic, partition), { offset: nextOffset, committedAt: now, group });
    return true;
  }

  heartbeat(group: string, topic: string, member: string, leaseUntil: number, now: number): string[] {
    let members = this.#members.get(slot(group, topic));
    if (!members) this.#members.set(slot(group, topic), (members = new Map<string, number>()));
    members.set(member, leaseUntil);
    for (const [id, until] of members) if (until <= now) members.delete(id);
    return [...members.keys()].sort();
  }

  leave(group: string, topic: string, member: string): void {
    this.#members.get(slot(group, topic))?.delete(member);
  }

  acquire(
    group: string,
    topic: string,
    partition: number,
    member: string,
    leaseUntil: number,
    now: number,
  ): boolean {
    const key = slot(group, topic, partition);
    const lease = this.#leases.get(key);
    if (lease && lease.owner !== member && lease.until > now) return false;
    this.#leases.set(key, { owner: member, until: leaseUntil });
    return true;
  }

  release(group: string, topic: string, partition: number, member: string): void {
    const key = slot(group, topic, partition);
    if (this.#leases.get(key)?.owner === member) this.#leases.delete(key);
  }

  trim(olderThan: number, activeSince: number, maxRecordsPerPartition: number | undefined): number {
    let deleted = 0;
    for (const [topic, partitions] of this.#topics) {
      partitions.forEach((data, partition) => {
        let protectedFrom = Number.POSITIVE_INFINITY;
        for (const [key, committed] of this.#offsets) {
          if (committed.committedAt < activeSince) continue;
          if (key === slot(committed.group, topic, partition))
            protectedFrom = Math.min(protectedFrom, committed.offset);
        }
        if (protectedFrom === Number.POSITIVE_INFINITY) return;
        let cut = 0;
        const limit = Math.min(protectedFrom - data.base, data.records.length);
        const keepFrom =
          maxRecordsPerPartition === undefined ? 0 : data.records.length - maxRecordsPerPartition;
        while (cut < limit && (data.records[cut]!.timestamp < olderThan || cut < keepFrom)) cut++;
        if (cut > 0) {
          data.records.splice(0, cut);
          data.base += cut;
          deleted += cut;
        }
      });
    }
    return deleted;
  }

  close(): void {
    this.#topics.clear();
  }
}
