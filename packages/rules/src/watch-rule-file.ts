import { defaultRuleSet } from './default-rule-set.js';
import type { RuleSet } from './rule-set.js';
import { RuleSetWatcher } from './rule-set-watcher.js';

/** Where reload outcomes are told (a pino logger fits). */
export interface RuleFileLogger {
  info(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** The rules an app runs on: the current set, and how to stop watching. */
export interface RuleSource {
  current(): RuleSet;
  close(): void;
}

/**
 * The rule set an app runs on: the file at `path`, loaded now (throwing a `RulesError` naming
 * the file, field and line if it is bad) and reloaded on change (a bad edit is logged and the
 * last good set kept); without a path, the default rule set.
 *
 * @example
 * const rules = await watchRuleFile(config.HERALD_RULES, logger);
 * createPushApp({ …, ruleSets: () => rules.current() });
 */
export async function watchRuleFile(path: string | undefined, logger: RuleFileLogger): Promise<RuleSource> {
  if (path === undefined) {
    defaultRuleSet(); // parsed (and cached) now, not on the first event, which it made ~40 ms late
    return { current: defaultRuleSet, close: () => undefined };
  }
  const watcher = new RuleSetWatcher(path, {
    onReload: () => logger.info({ path }, 'rules reloaded'),
    onError: (error) => logger.error({ err: error, path }, 'rules reload failed; keeping the last good set'),
  });
  await watcher.start();
  return { current: () => watcher.current, close: () => watcher.close() };
}
