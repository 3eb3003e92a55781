import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  apiErrorFromZod,
  cancellationKeySchema,
  decodeLoggedEvent,
  reminderCreateSchema,
  reminderDueEventType,
  reminderIdSchema,
  reminderListQuerySchema,
  reminderPatchSchema,
  durationMs,
  type LoggedEvent,
} from '@herald/protocol';
import { defaultRuleSet, evaluate, type RuleSet } from '@herald/rules';
import {
  answerErrorsAsJson,
  apiKeyAuth,
  createAppHousekeeper,
  ErrorResponse,
  limitBody,
  failingChecks,
  probeDependencies,
  readJsonBody,
  RequestGate,
  type ApiKeyEnv,
  type HousekeepingSettings,
} from '@herald/http';
import { StoreError, type Reminder, type Store } from '@herald/store';
import type { ConsumedBatch, EventLog, Subscription } from '@herald/transport';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { applyReminderCommand } from './apply-reminder-command.js';
import { planReminder, ReminderFieldError } from './plan-reminder.js';
import { ReminderFirer, type FirerStats, type Timers } from './reminder-firer.js';
import { toReminderView } from './to-reminder-view.js';

/** What the scheduler is built from; it closes none of them. */
export interface SchedulerDeps {
  log: EventLog;
  store: Store;
  logger: Logger;
  /** The rules that turn events into reminder commands, or a lookup per tenant. @defaultValue `defaultRuleSet()` */
  rules?: RuleSet | ((tenant: string) => RuleSet);
  /** The log topic events are read from and `reminder.due` events appended to. @defaultValue 'herald.events' */
  topic?: string;
  /** The consumer group. @defaultValue 'scheduler' */
  group?: string;
  /** Read the log for rule commands; off, it only serves HTTP and fires. @defaultValue true */
  consume?: boolean;
  /** The lease owner name of this instance; unique per process. @defaultValue host, pid and a random suffix */
  instanceId?: string;
  /** The clock (epoch ms). @defaultValue `Date.now` */
  now?: () => number;
  /** The timers the firer arms. @defaultValue the global `setTimeout`/`clearTimeout` */
  timers?: Timers;
  /** How far ahead reminders are held in memory. @defaultValue 60_000 */
  horizonMs?: number;
  /** How long a claim lasts before another instance may take it over. @defaultValue 30_000 */
  leaseMs?: number;
  /** Most reminders claimed and published at once. @defaultValue 500 */
  batchSize?: number;
  /** How often the store is swept (horizon refill, expired leases, other instances' reminders). @defaultValue 1000 */
  sweepIntervalMs?: number;
  /** How late a fire may be before a `skip` reminder counts as missed. @defaultValue 60_000 */
  missedAfterMs?: number;
  /** Most reminders held in memory. @defaultValue 1_000_000 */
  maxHeld?: number;
  /** Delay before a failed publish is retried. @defaultValue 5000 */
  retryDelayMs?: number;
  /** How far ahead of their due time reminders are claimed, to fire on the dot. @defaultValue 50 */
  claimAheadMs?: number;
  /** Largest request body, in bytes. @defaultValue 65_536 */
  maxBodyBytes?: number;
  /** The `Retry-After` of a 503, in seconds. @defaultValue 5 */
  retryAfterSeconds?: number;
  /**
   * How often reminders that fired, failed or were cancelled longer ago than
   * `finishedReminderRetentionMs` are purged from the store; `false` leaves that to another
   * process. @defaultValue every minute, ended reminders kept 30 days
   */
  housekeeping?: HousekeepingSettings;
}

/** What the scheduler did since it started. */
export interface SchedulerStats extends FirerStats {
  /** Log events read. */
  events: number;
  /** Reminder commands from rules that changed something. */
  commands: number;
  /** Ended reminders purged by housekeeping. */
  purged: number;
}

/** A built scheduler: its routes (`/v1/reminders…`, API-key auth) and its lifecycle. */
export interface SchedulerApp extends AsyncDisposable {
  readonly app: Hono<Env>;
  /** This instance's lease owner name. */
  readonly instanceId: string;
  /** Catches up on missed fires, fills the horizon, starts firing and consuming. Idempotent. */
  start(): Promise<void>;
  /** Refuses new requests (503), stops consuming and firing, waits for work in hand. Idempotent. */
  close(): Promise<void>;
  stats(): SchedulerStats;
  /**
   * Whether it can do its work: the log and the store answer, it has started (caught up and
   * firing, and consuming unless told not to) and is not closing. What `/readyz` reports.
   */
  readiness(): Promise<SchedulerReadiness>;
}

/** What {@link SchedulerApp.readiness} found. */
export interface SchedulerReadiness {
  ready: boolean;
  checks: { log: boolean; store: boolean; firing: boolean; consuming: boolean };
  /** Why it is not ready, when it is not. */
  message?: string;
}

type Env = ApiKeyEnv;

/** How long the scheduler's consumer lets events gather before it reads them (see `batchWaitMs`). */
const eventBatchWaitMs = 20;
// Notifications are push's part: rendering them here would be thrown away.
const onlyReminders = { only: 'reminders' } as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The reminder scheduler: reminders over HTTP and from rules on the event log, fired at their
 * due time as `reminder.due` events appended to the log. Mount `app` beside other apps' routes;
 * it defines only `/v1/reminders` and `/v1/reminders/:id`.
 *
 * @example
 * await using scheduler = createSchedulerApp({ log, store, logger });
 * await scheduler.start();
 * serve({ fetch: scheduler.app.fetch, port: 8082 });
 */
export function createSchedulerApp(deps: SchedulerDeps): SchedulerApp {
  const { log, store, logger } = deps;
  const now = deps.now ?? Date.now;
  const topic = deps.topic ?? 'herald.events';
  const group = deps.group ?? 'scheduler';
  const retryAfterSeconds = deps.retryAfterSeconds ?? 5;
  const maxBodyBytes = deps.maxBodyBytes ?? 65_536;
  const instanceId = deps.instanceId ?? `scheduler-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const rulesFor =
    typeof deps.rules === 'function'
      ? deps.rules
      : (() => {
          // Parsed now: parsing the default set on the first event made that event ~40 ms late.
          const fixed = deps.rules ?? defaultRuleSet();
          return () => fixed;
        })();
  const firer = new ReminderFirer({
    store,
    log,
    topic,
    logger,
    owner: instanceId,
    now,
    timers: deps.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    horizonMs: deps.horizonMs ?? 60_000,
    leaseMs: deps.leaseMs ?? 30_000,
    batchSize: deps.batchSize ?? 500,
    sweepIntervalMs: deps.sweepIntervalMs ?? 1000,
    missedAfterMs: deps.missedAfterMs ?? 60_000,
    maxHeld: deps.maxHeld ?? 1_000_000,
    retryDelayMs: deps.retryDelayMs ?? 5000,
    claimAheadMs: deps.claimAheadMs ?? 50,
  });

  let events = 0;
  let commands = 0;
  let purged = 0;
  const housekeeper = createAppHousekeeper({
    store,
    tasks: ['finishedReminders'],
    settings: deps.housekeeping,
    logger,
    now,
    onPurged: (counts) => (purged += counts.finishedReminders ?? 0),
  });
  let subscription: Subscription | undefined;
  let started: Promise<void> | undefined;
  let running = false;
  let closed: Promise<void> | undefined;
  const gate = new RequestGate(retryAfterSeconds);

  const fail = (error: unknown, field?: string): never => {
    if (error instanceof ErrorResponse) throw error;
    if (StoreError.isInstance(error)) {
      if (error.code === 'INVALID_ARGUMENT')
        throw ErrorResponse.of(400, 'invalid_field', error.message, field);
      if (error.code === 'BUSY' || error.code === 'CLOSED' || error.code === 'QUERY_FAILED') {
        logger.warn({ err: error }, 'store unavailable');
        throw ErrorResponse.of(503, 'unavailable', 'the store is unavailable; retry later', undefined, {
          'Retry-After': String(retryAfterSeconds),
        });
      }
    }
    throw error;
  };

  const handle = (batch: ConsumedBatch): void => {
    for (const record of batch.records) {
      let event: LoggedEvent;
      try {
        event = decodeLoggedEvent(record.value);
      } catch (error) {
        logger.warn(
          { err: error, partition: batch.partition, offset: record.offset },
          'undecodable event skipped',
        );
        continue;
      }
      events += 1;
      if (event.type === reminderDueEventType) continue;
      let evaluation = evaluate(rulesFor(event.tenant), event, {}, onlyReminders);
      if (evaluation.reminders.length === 0) continue;
      // A rule scheduling in the customer's zone needs the profile when the event carries none.
      if (event.customer?.timezone === undefined && evaluation.reminders.some((c) => c.kind === 'create')) {
        const customer = store.customers.get(event.tenant, event.customerId);
        if (customer?.timezone != null) {
          const customerZone = { customer: { timezone: customer.timezone } };
          evaluation = evaluate(rulesFor(event.tenant), event, customerZone, onlyReminders);
        }
      }
      for (const command of evaluation.reminders) {
        try {
          const outcome = applyReminderCommand(store, firer, event.tenant, command, {
            baseMs: Date.parse(event.occurredAt),
            nowMs: now(),
          });
          commands += outcome.changed;
        } catch (error) {
          if (
            error instanceof ReminderFieldError ||
            (StoreError.isInstance(error) && error.code === 'INVALID_ARGUMENT')
          ) {
            logger.warn({ err: error, event: event.id, command: command.kind }, 'reminder command refused');
            continue;
          }
          // Anything else (the store is down) fails the batch: the log hands it over again.
          throw error;
        }
      }
    }
  };

  const app = new Hono<Env>();

  answerErrorsAsJson(app, logger);

  // `/v1/reminders/*` matches `/v1/reminders` too, and nothing of the other apps mounted beside.
  const path = '/v1/reminders/*';
  app.use(path, gate.middleware);
  app.use(path, limitBody(maxBodyBytes));
  app.use(path, apiKeyAuth(store, { retryAfterSeconds }));

  const tenantOf = (c: Context<Env>): string => c.get('apiKey').tenantId;

  const idOf = (c: Context<Env>): string => {
    const parsed = reminderIdSchema.safeParse(c.req.param('id'));
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error, ['id']));
    return parsed.data;
  };

  const find = (tenant: string, id: string): Reminder => {
    let reminder: Reminder | undefined;
    try {
      reminder = store.reminders.get(tenant, id);
    } catch (error) {
      fail(error);
    }
    // Another tenant's reminder is as unknown as a missing one: nothing leaks.
    if (reminder === undefined) throw ErrorResponse.of(404, 'not_found', `no reminder ${id}`);
    return reminder;
  };

  app.post('/v1/reminders', async (c) => {
    const tenant = tenantOf(c);
    const body = await readJsonBody(c, 32);
    const parsed = reminderCreateSchema.safeParse(body);
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const at = now();
    let result: ReturnType<Store['reminders']['create']> | undefined;
    try {
      const row = planReminder(tenant, parsed.data, {
        baseMs: at,
        nowMs: at,
        allowPast: isObject(body) && body.missedFirePolicy !== undefined,
      });
      result = store.reminders.create(row);
    } catch (error) {
      if (error instanceof ReminderFieldError) {
        throw ErrorResponse.of(400, 'invalid_field', error.message, error.field);
      }
      fail(error);
    }
    const { created, reminder } = result!;
    if (created) firer.track(reminder.tenantId, reminder.id, reminder.dueAt);
    return c.json(toReminderView(reminder), created ? 201 : 200);
  });

  app.get('/v1/reminders', (c) => {
    const parsed = reminderListQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const query = parsed.data;
    let page: ReturnType<Store['reminders']['list']> | undefined;
    try {
      page = store.reminders.list(tenantOf(c), {
        limit: query.limit,
        ...(query.record === undefined ? {} : { recordRef: query.record }),
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
    } catch (error) {
      fail(error, 'cursor');
    }
    return c.json({ items: page!.items.map(toReminderView), nextCursor: page!.nextCursor ?? null });
  });

  app.delete('/v1/reminders', (c) => {
    const parsed = cancellationKeySchema.safeParse(c.req.query('cancellationKey'));
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error, ['cancellationKey']));
    let cancelled = 0;
    try {
      cancelled = store.reminders.cancelByKey(tenantOf(c), parsed.data);
      firer.untrackKey(tenantOf(c), parsed.data);
    } catch (error) {
      fail(error);
    }
    return c.json({ cancellationKey: parsed.data, cancelled });
  });

  app.get('/v1/reminders/:id', (c) => c.json(toReminderView(find(tenantOf(c), idOf(c)))));

  app.patch('/v1/reminders/:id', async (c) => {
    const tenant = tenantOf(c);
    const id = idOf(c);
    const body = await readJsonBody(c, 32);
    const parsed = reminderPatchSchema.safeParse(body);
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const patch = parsed.data;
    const current = find(tenant, id);
    const at = now();
    let dueAt: number | undefined;
    if (patch.at !== undefined) dueAt = Date.parse(patch.at);
    if (patch.in !== undefined) dueAt = at + (durationMs(patch.in) ?? 0);
    if (patch.snooze !== undefined) dueAt = at + (durationMs(patch.snooze) ?? 0);
    if (patch.at !== undefined && dueAt! < at && patch.missedFirePolicy === undefined) {
      throw ErrorResponse.of(
        400,
        'invalid_field',
        `at: ${patch.at} is in the past; give a missedFirePolicy to move it there anyway`,
        'at',
      );
    }
    const reopenFired = patch.snooze !== undefined;
    if (current.status === 'cancelled' || (current.status === 'fired' && !reopenFired)) {
      throw ErrorResponse.of(
        409,
        'conflict',
        `reminder ${id} is ${current.status}${current.status === 'fired' ? '; snooze it to make it due again' : ''}`,
      );
    }
    let updated: Reminder | undefined;
    try {
      updated = store.reminders.update(tenant, id, {
        ...(dueAt === undefined ? {} : { dueAt }),
        ...(patch.missedFirePolicy === undefined
          ? {}
          : {
              missedFirePolicy: patch.missedFirePolicy.policy,
              lateWithinMs:
                patch.missedFirePolicy.policy === 'fire_if_late_within'
                  ? patch.missedFirePolicy.lateWithinMs
                  : null,
            }),
        ...(patch.payload === undefined ? {} : { payload: patch.payload }),
        reopenFired,
      });
    } catch (error) {
      fail(error);
    }
    if (updated === undefined)
      throw ErrorResponse.of(409, 'conflict', `reminder ${id} changed meanwhile; retry`);
    if (dueAt !== undefined) firer.track(tenant, id, updated.dueAt);
    return c.json(toReminderView(updated));
  });

  app.delete('/v1/reminders/:id', (c) => {
    const tenant = tenantOf(c);
    const id = idOf(c);
    const current = find(tenant, id);
    if (current.status === 'fired') {
      throw ErrorResponse.of(409, 'conflict', `reminder ${id} has fired already`);
    }
    if (current.status !== 'cancelled') {
      try {
        store.reminders.cancel(tenant, id);
      } catch (error) {
        fail(error);
      }
      firer.untrack(tenant, id);
    }
    return c.json(toReminderView(find(tenant, id)));
  });

  const start = (): Promise<void> => {
    if (gate.closing) return Promise.reject(new Error('scheduler: closed'));
    started ??= (async () => {
      await log.ensureTopic(topic);
      await firer.start();
      housekeeper?.start();
      if (deps.consume ?? true) {
        subscription = await log.subscribe({
          topic,
          group,
          handler: handle,
          // Reminders are hours away: scheduling one a few milliseconds later costs nothing, and
          // taking events in batches keeps the scheduler's reads and calls off push's path.
          batchWaitMs: eventBatchWaitMs,
          onError: (error) => logger.warn({ err: error }, 'scheduler: handling an event failed'),
        });
      }
      running = true;
      logger.info({ topic, group, instanceId }, 'scheduler started');
    })();
    return started;
  };

  const close = (): Promise<void> => {
    const requestsDone = gate.close();
    closed ??= (async () => {
      await started?.catch(() => undefined);
      await subscription?.close();
      await firer.close();
      await housekeeper?.close();
      await requestsDone;
    })();
    return closed;
  };

  const readiness = async (): Promise<SchedulerReadiness> => {
    const firing = running && !gate.closing;
    const checks = {
      ...(await probeDependencies({ log, topic, store, logger })),
      firing,
      consuming: firing && (subscription !== undefined || deps.consume === false),
    };
    if (Object.values(checks).every(Boolean)) return { ready: true, checks };
    const down = failingChecks(checks);
    return {
      ready: false,
      checks,
      message: gate.closing ? 'shutting down' : `not ready: ${down.join(', ')}`,
    };
  };

  return {
    app,
    instanceId,
    start,
    close,
    [Symbol.asyncDispose]: close,
    stats: () => ({ ...firer.stats(), events, commands, purged }),
    readiness,
  };
}
