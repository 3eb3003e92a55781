import { randomUUID } from 'node:crypto';
import { ErrorCode } from './error-code.js';

/** One assignment strategy a member offers, with its subscription metadata. */
export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

/** A JoinGroup request, decoded. */
export interface JoinGroupRequest {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  /** JoinGroup v4+: a member without an id first gets one back with MEMBER_ID_REQUIRED. */
  readonly requireKnownMemberId: boolean;
}

/** What a JoinGroup answers; `members` is filled for the leader only. */
export interface JoinGroupResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  readonly members: readonly { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

/** A SyncGroup request, decoded; only the leader's carries assignments. */
export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly assignments: readonly { memberId: string; assignment: Buffer }[];
}

/** What a SyncGroup answers. */
export interface SyncGroupResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

/** An OffsetCommit for a group, decoded and limited to partitions that exist. */
export interface OffsetCommitRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly offsets: readonly { topic: string; partition: number; offset: number; metadata: string | null }[];
}

/** A committed offset and the metadata string the client stored with it. */
export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

type GroupState = 'empty' | 'preparing-rebalance' | 'completing-rebalance' | 'stable';

interface Member {
  readonly id: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly GroupProtocol[];
  assignment: Buffer;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  joining: ((result: JoinGroupResult) => void) | undefined;
  /** Set while the member's SyncGroup waits for the leader's assignments. */
  syncing: ((result: SyncGroupResult) => void) | undefined;
  sessionTimer: NodeJS.Timeout | undefined;
}

interface Group {
  state: GroupState;
  generationId: number;
  protocolName: string;
  leaderId: string;
  readonly members: Map<string, Member>;
  /** Ids handed out with MEMBER_ID_REQUIRED and not yet used to join. */
  readonly pendingMemberIds: Set<string>;
  rebalanceTimer: NodeJS.Timeout | undefined;
  readonly offsets: Map<string, Map<number, CommittedOffset>>;
}

const EMPTY = Buffer.alloc(0);

function joinError(errorCode: number, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, assignment: EMPTY };
}

/**
 * The classic (pre-KIP-848) consumer group protocol for every group on the broker:
 * Empty → PreparingRebalance → CompletingRebalance → Stable, with session and
 * rebalance timers, and the groups' committed offsets.
 *
 * A rebalance completes as soon as every member has rejoined; there is no initial
 * rebalance delay, so tests do not wait the 3 s a real broker would.
 *
 * @example
 * const groups = new GroupCoordinator();
 * const joined = await groups.join({ groupId: 'g', memberId: '', ... });
 * groups.close(); // releases waiting joins and syncs, clears timers
 */
export class GroupCoordinator {
  readonly #groups = new Map<string, Group>();
  #closed = false;

  join(request: JoinGroupRequest): Promise<JoinGroupResult> {
    if (request.groupId === '') {
      return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, request.memberId));
    }
    if (this.#closed) {
      return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, request.memberId));
    }
    const group = this.#group(request.groupId);
    if (!this.#supportsProtocols(group, request)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }

    let memberId = request.memberId;
    if (memberId === '') {
      memberId = `${request.clientId}-${randomUUID()}`;
      if (request.requireKnownMemberId) {
        group.pendingMemberIds.add(memberId);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
    } else if (!group.pendingMemberIds.delete(memberId) && !group.members.has(memberId)) {
      return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }

    return new Promise((resolve) => {
      const member = group.members.get(memberId) ?? {
        id: memberId,
        assignment: EMPTY,
        joining: undefined,
        syncing: undefined,
        sessionTimer: undefined,
        groupInstanceId: null,
        sessionTimeoutMs: 0,
        rebalanceTimeoutMs: 0,
        protocolType: '',
        protocols: [],
      };
      member.groupInstanceId = request.groupInstanceId;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.protocolType = request.protocolType;
      member.protocols = request.protocols;
      // A second join from the same member (a client retry) replaces the first.
      member.joining?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, memberId));
      member.joining = resolve;
      group.members.set(memberId, member);
      if (group.state === 'preparing-rebalance') this.#maybeCompleteJoin(group);
      else this.#prepareRebalance(group);
    });
  }

  sync(request: SyncGroupRequest): Promise<SyncGroupResult> {
    const group = this.#groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== group.generationId) {
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    }
    if (group.state === 'preparing-rebalance') {
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    this.#touch(group, member);
    if (group.state === 'stable') {
      return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    }

    return new Promise((resolve) => {
      member.syncing?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      member.syncing = resolve;
      if (member.id !== group.leaderId) return;
      const assignments = new Map(request.assignments.map((entry) => [entry.memberId, entry.assignment]));
      group.state = 'stable';
      for (const each of group.members.values()) {
        each.assignment = assignments.get(each.id) ?? EMPTY;
        const release = each.syncing;
        each.syncing = undefined;
        release?.({ errorCode: ErrorCode.NONE, assignment: each.assignment });
      }
    });
  }

  /** Keeps the member alive; REBALANCE_IN_PROGRESS is how clients learn they must rejoin. */
  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.#groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.#touch(group, member);
    return group.state === 'preparing-rebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.#groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#removeMember(group, member);
    return ErrorCode.NONE;
  }

  /** Stores offsets; membership and generation are checked only while the group has members. */
  commitOffsets(request: OffsetCommitRequest): number {
    const group = this.#group(request.groupId);
    if (group.members.size > 0) {
      if (group.state === 'completing-rebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
      const member = group.members.get(request.memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      this.#touch(group, member);
    }
    for (const { topic, partition, offset, metadata } of request.offsets) {
      const partitions = group.offsets.get(topic) ?? new Map<number, CommittedOffset>();
      partitions.set(partition, { offset, metadata });
      group.offsets.set(topic, partitions);
    }
    return ErrorCode.NONE;
  }

  /** The group's committed offsets by topic and partition (empty for an unknown group). */
  committedOffsets(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.#groups.get(groupId)?.offsets ?? new Map();
  }

  /** Clears every timer and answers every waiting join and sync with COORDINATOR_NOT_AVAILABLE. */
  close(): void {
    this.#closed = true;
    for (const group of this.#groups.values()) {
      clearTimeout(group.rebalanceTimer);
      for (const member of group.members.values())
        this.#dropMember(group, member, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  }

  #group(groupId: string): Group {
    let group = this.#groups.get(groupId);
    if (!group) {
      group = {
        state: 'empty',
        generationId: 0,
        protocolName: '',
        leaderId: '',
        members: new Map(),
        pendingMemberIds: new Set(),
        rebalanceTimer: undefined,
        offsets: new Map(),
      };
      this.#groups.set(groupId, group);
    }
    return group;
  }

  /** A joiner must share the protocol type and at least one protocol with every other member. */
  #supportsProtocols(group: Group, request: JoinGroupRequest): boolean {
    const others = [...group.members.values()].filter((member) => member.id !== request.memberId);
    if (request.protocols.length === 0) return false;
    if (others.length === 0) return true;
    return (
      others.every((member) => member.protocolType === request.protocolType) &&
      request.protocols.some(({ name }) =>
        others.every((member) => member.protocols.some((protocol) => protocol.name === name)),
      )
    );
  }

  #prepareRebalance(group: Group): void {
    if (group.state === 'completing-rebalance') {
      for (const member of group.members.values()) {
        const release = member.syncing;
        member.syncing = undefined;
        release?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    group.state = 'preparing-rebalance';
    clearTimeout(group.rebalanceTimer);
    const timeout = Math.max(0, ...[...group.members.values()].map((member) => member.rebalanceTimeoutMs));
    group.rebalanceTimer = setTimeout(() => this.#completeJoin(group), timeout).unref();
    this.#maybeCompleteJoin(group);
  }

  #maybeCompleteJoin(group: Group): void {
    if (group.state !== 'preparing-rebalance') return;
    if ([...group.members.values()].every((member) => member.joining)) this.#completeJoin(group);
  }

  /** Runs when everyone has rejoined or the rebalance timeout passed; stragglers are dropped. */
  #completeJoin(group: Group): void {
    clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = undefined;
    for (const member of group.members.values()) {
      if (!member.joining) this.#dropMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    group.generationId++;
    const members = [...group.members.values()];
    const first = members[0];
    if (!first) {
      group.state = 'empty';
      group.protocolName = '';
      group.leaderId = '';
      return;
    }

    group.state = 'completing-rebalance';
    group.protocolName = this.#electProtocol(members);
    if (!group.members.has(group.leaderId)) group.leaderId = first.id;
    const metadata = members.map((member) => ({
      memberId: member.id,
      groupInstanceId: member.groupInstanceId,
      metadata: member.protocols.find((protocol) => protocol.name === group.protocolName)?.metadata ?? EMPTY,
    }));
    for (const member of members) {
      const release = member.joining;
      member.joining = undefined;
      this.#touch(group, member);
      release?.({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolName: group.protocolName,
        leaderId: group.leaderId,
        memberId: member.id,
        members: member.id === group.leaderId ? metadata : [],
      });
    }
  }

  /** Each member votes for its most preferred protocol among those every member supports. */
  #electProtocol(members: readonly Member[]): string {
    const candidates = (members[0]?.protocols ?? [])
      .map((protocol) => protocol.name)
      .filter((name) =>
        members.every((member) => member.protocols.some((protocol) => protocol.name === name)),
      );
    const votes = new Map<string, number>();
    for (const member of members) {
      const choice = member.protocols.find((protocol) => candidates.includes(protocol.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let elected = candidates[0] ?? members[0]?.protocols[0]?.name ?? '';
    for (const [name, count] of votes) if (count > (votes.get(elected) ?? 0)) elected = name;
    return elected;
  }

  /** Restarts the member's session timer: any sign of life counts, as in Kafka. */
  #touch(group: Group, member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (group.members.get(member.id) !== member) return;
      // A member blocked in Join or Sync cannot heartbeat; the rebalance timeout covers it.
      if (member.joining || member.syncing) this.#touch(group, member);
      else this.#removeMember(group, member);
    }, member.sessionTimeoutMs).unref();
  }

  #removeMember(group: Group, member: Member): void {
    this.#dropMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.state === 'preparing-rebalance') this.#maybeCompleteJoin(group);
    else if (group.state !== 'empty') this.#prepareRebalance(group);
  }

  #dropMember(group: Group, member: Member, errorCode: number): void {
    clearTimeout(member.sessionTimer);
    group.members.delete(member.id);
    const { joining, syncing } = member;
    member.joining = undefined;
    member.syncing = undefined;
    joining?.(joinError(errorCode, member.id));
    syncing?.(syncError(errorCode));
  }
}
