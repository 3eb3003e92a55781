import {
  StoreHousekeeper,
  type HousekeepingTask,
  type PurgeCounts,
  type StoreHousekeeperOptions,
} from '@herald/store';

/** An app's housekeeping settings: how often and how much; `false` turns it off. */
export type HousekeepingSettings = false | Omit<StoreHousekeeperOptions, 'tasks' | 'onPurged' | 'onError'>;

/**
 * An app's settings from its environment: `HERALD_PURGE_INTERVAL_MS=0` turns housekeeping off,
 * any other interval runs it with the app's other settings.
 *
 * @example
 * housekeeping: housekeepingSettings(config.HERALD_PURGE_INTERVAL_MS, { replacedRetentionMs: config.HERALD_REPLACED_RETENTION_MS }),
 */
export function housekeepingSettings(
  intervalMs: number,
  settings: Exclude<HousekeepingSettings, false> = {},
): HousekeepingSettings {
  return intervalMs === 0 ? false : { ...settings, intervalMs };
}

/** Where housekeeping is told about (a pino logger fits). */
export interface HousekeepingLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** What one app's housekeeper purges, and where it tells what it did. */
export interface AppHousekeeperOptions {
  store: ConstructorParameters<typeof StoreHousekeeper>[0];
  /** The purges of the tables this app writes. */
  tasks: readonly HousekeepingTask[];
  /** From the app's deps: `false` turns housekeeping off. @defaultValue the housekeeper's defaults */
  settings: HousekeepingSettings | undefined;
  logger: HousekeepingLogger;
  /** The app's clock, unless the settings bring their own. */
  now: () => number;
  /** Told after each pass that deleted something, beside the log line (for a metric). */
  onPurged?: (counts: PurgeCounts) => void;
}

/**
 * The housekeeper of one app: the purges of the tables it writes, on the app's clock, what they
 * delete logged at info (and handed to `onPurged`), failures logged as warnings. `undefined` when
 * the settings turn housekeeping off.
 *
 * @example
 * const housekeeper = createAppHousekeeper({ store, tasks: ['processedEvents'], settings: deps.housekeeping, logger, now });
 * housekeeper?.start(); // on close: await housekeeper?.close();
 */
export function createAppHousekeeper(options: AppHousekeeperOptions): StoreHousekeeper | undefined {
  const { settings, logger } = options;
  if (settings === false) return undefined;
  return new StoreHousekeeper(options.store, {
    now: options.now,
    ...settings,
    tasks: options.tasks,
    onPurged: (counts) => {
      logger.info({ purged: counts }, 'store housekeeping purged old rows');
      options.onPurged?.(counts);
    },
    onError: (error, task) => logger.warn({ err: error, task }, 'store housekeeping failed'),
  });
}
