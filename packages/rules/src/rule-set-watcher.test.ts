import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RuleSet } from './rule-set.js';
import { RuleSetWatcher } from './rule-set-watcher.js';
import type { RulesError } from './rules-error.js';

const rules = (title: string) => `
rules:
  - id: greet
    match: { type: order.created }
    recipients: [owner]
    template: { title: '${title}' }
`;

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no event in ${ms} ms`)), ms)),
  ]);
}

const title = (ruleSet: RuleSet) =>
  (ruleSet.definition.rules[0]!.template as { default: { title: string } }).default.title;

describe('RuleSetWatcher', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'herald-rules-watch-'));
    path = join(dir, 'acme.yaml');
    await writeFile(path, rules('one'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('loads at start, reloads on change, keeps the last good set on a bad edit', async () => {
    let reloaded = deferred<RuleSet>();
    let failed = deferred<RulesError>();
    await using watcher = new RuleSetWatcher(path, {
      debounceMs: 50,
      onReload: (ruleSet) => reloaded.resolve(ruleSet),
      onError: (error) => failed.resolve(error),
    });
    expect(title(await watcher.start())).toBe('one');

    await writeFile(path, rules('two'));
    expect(title(await within(reloaded.promise))).toBe('two');
    expect(title(watcher.current)).toBe('two');

    await writeFile(
      path,
      'rules:\n  - id: greet\n    match: { type: order.created }\n    recipients:\n      - field:\n    template: { title: x }\n',
    );
    const error = await within(failed.promise);
    expect(error.code).toBe('INVALID_RULE_SET');
    expect(error.message).toBe(`${path}: rules[0].recipients[0].field: required (line 5)`);
    expect(title(watcher.current)).toBe('two');

    reloaded = deferred();
    failed = deferred();
    await writeFile(path, rules('three'));
    expect(title(await within(reloaded.promise))).toBe('three');
  });

  test('follows editors that save by renaming a temp file over the original', async () => {
    const reloaded = deferred<RuleSet>();
    await using watcher = new RuleSetWatcher(path, {
      debounceMs: 20,
      onReload: (ruleSet) => reloaded.resolve(ruleSet),
    });
    await watcher.start();
    const temp = join(dir, '.acme.yaml.swp');
    await writeFile(temp, rules('renamed'));
    await rename(temp, path);
    expect(title(await within(reloaded.promise))).toBe('renamed');
  });

  test('a deleted file is an error; the rule set stays', async () => {
    const failed = deferred<RulesError>();
    await using watcher = new RuleSetWatcher(path, {
      debounceMs: 20,
      onError: (error) => failed.resolve(error),
    });
    await watcher.start();
    await rm(path);
    expect((await within(failed.promise)).code).toBe('READ_FAILED');
    expect(title(watcher.current)).toBe('one');
  });

  test('debounces a burst of writes into one reload', async () => {
    const seen: string[] = [];
    await using watcher = new RuleSetWatcher(path, {
      debounceMs: 150,
      onReload: (ruleSet) => seen.push(title(ruleSet)),
    });
    await watcher.start();
    for (const t of ['a', 'b', 'c', 'd']) await writeFile(path, rules(t));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen).toEqual(['d']);
  });

  test('an unchanged file is not reloaded', async () => {
    const seen: RuleSet[] = [];
    await using watcher = new RuleSetWatcher(path, {
      debounceMs: 10,
      onReload: (ruleSet) => seen.push(ruleSet),
    });
    await watcher.start();
    await watcher.reload();
    expect(seen).toEqual([]);
  });

  test('a bad file at start throws; current throws before start; close is safe twice; closed stays closed', async () => {
    await writeFile(path, 'rules: [{ id: x }]');
    const watcher = new RuleSetWatcher(path);
    expect(() => watcher.current).toThrow(/start/);
    await expect(watcher.start()).rejects.toMatchObject({ code: 'INVALID_RULE_SET' });
    watcher.close();
    watcher.close();
    await expect(watcher.start()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  test('stops reloading once closed', async () => {
    const seen: RuleSet[] = [];
    const watcher = new RuleSetWatcher(path, { debounceMs: 10, onReload: (ruleSet) => seen.push(ruleSet) });
    await watcher.start();
    watcher.close();
    await writeFile(path, rules('after'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([]);
    expect(title(watcher.current)).toBe('one');
  });

  test('refuses a path that is not .yaml, .yml or .json', () => {
    expect(() => new RuleSetWatcher(join(dir, 'rules.txt'))).toThrow(/\.yaml, \.yml or \.json/);
  });
});
