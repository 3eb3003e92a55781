import type { Store } from '@herald/store';

/** What a readiness probe asks of an app's log and store. */
export interface ProbeTargets {
  log: { ensureTopic(topic: string): Promise<unknown> };
  topic: string;
  store: Pick<Store, 'closed' | 'db'>;
  logger: { warn(details: Record<string, unknown>, message: string): void };
}

/**
 * Whether the log (an `ensureTopic` round trip, made every time: readiness must probe, not
 * remember) and the store (`SELECT 1`) answer now. What fails is logged; nothing throws.
 *
 * @example
 * const { log, store } = await probeDependencies({ log: eventLog, topic: 'herald.events', store, logger });
 */
export async function probeDependencies(targets: ProbeTargets): Promise<{ log: boolean; store: boolean }> {
  const checks = { log: false, store: false };
  try {
    await targets.log.ensureTopic(targets.topic);
    checks.log = true;
  } catch (error) {
    targets.logger.warn({ err: error }, 'readiness: log unreachable');
  }
  try {
    if (!targets.store.closed)
      checks.store = targets.store.db.$client.prepare('SELECT 1').get() !== undefined;
  } catch (error) {
    targets.logger.warn({ err: error }, 'readiness: store unreachable');
  }
  return checks;
}

/**
 * The names of the checks that failed, for a readiness answer's message.
 *
 * @example
 * failingChecks({ log: true, store: false, consuming: false }) // ['store', 'consuming']
 */
export function failingChecks(checks: Record<string, boolean>): string[] {
  return Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
}
