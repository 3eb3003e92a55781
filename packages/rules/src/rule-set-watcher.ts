import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ruleSetFormat } from './load-rule-set.js';
import { parseRuleSet } from './parse-rule-set.js';
import type { RuleSet } from './rule-set.js';
import { RulesError } from './rules-error.js';

/** How a watcher reloads and whom it tells. */
export interface RuleSetWatcherOptions {
  /** Changes closer together than this reload once. @defaultValue `100` */
  debounceMs?: number;
  /** Called with each new rule set after a good reload. @defaultValue none */
  onReload?: (ruleSet: RuleSet) => void;
  /** Called when a reload fails; the last good rule set stays current. @defaultValue none */
  onError?: (error: RulesError) => void;
}

/**
 * Keeps a rule set file loaded: reloads it when it changes (editors that save by renaming
 * included: the directory is watched), and on a bad edit keeps the last good rule set and reports
 * the error. Read `current` for each event.
 *
 * @example
 * await using watcher = new RuleSetWatcher('rules/acme.yaml', { onError: (error) => log.warn(error.message) });
 * await watcher.start();
 * evaluate(watcher.current, event, context);
 */
export class RuleSetWatcher implements AsyncDisposable {
  readonly path: string;
  readonly #options: RuleSetWatcherOptions;
  #current: RuleSet | undefined;
  #text: string | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(path: string, options: RuleSetWatcherOptions = {}) {
    ruleSetFormat(path);
    this.path = path;
    this.#options = options;
  }

  /** The last good rule set. Throws before `start()` has loaded one. */
  get current(): RuleSet {
    if (this.#current === undefined)
      throw new RulesError('INVALID_ARGUMENT', 'RuleSetWatcher: call start() first');
    return this.#current;
  }

  /** Loads the file and starts watching. Throws a `RulesError` if the file cannot be loaded now. */
  async start(): Promise<RuleSet> {
    if (this.#closed) throw new RulesError('CLOSED', `RuleSetWatcher(${this.path}): closed`);
    if (this.#current !== undefined) return this.#current;
    const text = await this.#read();
    this.#current = parseRuleSet(text, { format: ruleSetFormat(this.path), source: this.path });
    this.#text = text;
    const name = basename(this.path);
    this.#watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === name) this.#schedule();
    });
    this.#watcher.on('error', (cause) =>
      this.#options.onError?.(
        new RulesError('READ_FAILED', `${this.path}: watch failed`, { cause, source: this.path }),
      ),
    );
    return this.#current;
  }

  /**
   * Reloads now (also what a change triggers). Resolves once done; never rejects: a failure goes
   * to `onError` and leaves `current` as it was.
   */
  reload(): Promise<void> {
    if (this.#reloading !== undefined) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = this.#reloadOnce().finally(() => {
      this.#reloading = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#reloading;
  }

  /** Stops watching. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.#reloading;
  }

  #schedule(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#options.debounceMs ?? 100);
    this.#timer.unref();
  }

  async #read(): Promise<string> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
      throw new RulesError('READ_FAILED', `${this.path}: cannot read (${reason})`, {
        cause,
        source: this.path,
      });
    }
  }

  async #reloadOnce(): Promise<void> {
    if (this.#closed) return;
    try {
      const text = await this.#read();
      if (this.#closed || text === this.#text) return;
      const ruleSet = parseRuleSet(text, { format: ruleSetFormat(this.path), source: this.path });
      if (this.#closed) return;
      this.#current = ruleSet;
      this.#text = text;
      this.#options.onReload?.(ruleSet);
    } catch (error) {
      if (this.#closed) return;
      const rulesError = RulesError.isInstance(error)
        ? error
        : new RulesError('READ_FAILED', `${this.path}: reload failed`, { cause: error, source: this.path });
      this.#options.onError?.(rulesError);
    }
  }
}
