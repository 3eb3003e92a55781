import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@herald/store';
import Database from 'better-sqlite3';
import { runAppMain } from '@herald/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function herald(args: string[], env: Record<string, string> = {}) {
  return runAppMain(appDir, { LOG_LEVEL: 'warn', ...env }, { entry: 'src/cli.ts', args });
}

async function listening(run: ReturnType<typeof herald>): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /Herald is running on (http:\/\/\S+)/.exec(run.output().stdout);
    if (match !== null) return match[1]!;
    if (Date.now() > deadline) throw new Error(`herald start did not come up: ${run.output().stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the herald command', () => {
  it('starts, prints what to paste, serves send and tail, and stops cleanly; a restart keeps the credentials', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    dirs.push(dataDir);
    const start = herald(['start', '--port', '0', '--data-dir', dataDir]);
    const url = await listening(start);
    expect(start.output().stdout).toContain('Created the development tenant "dev"');
    expect(start.output().stdout).toContain('needs --cors-origin ORIGIN for the inbox API');
    expect(start.output().stdout).toMatch(
      /curl -sS http:\/\/127\.0\.0\.1:\d+\/v1\/events -H 'Authorization: Bearer hrld_/,
    );
    expect(statSync(join(dataDir, 'dev-credentials.json')).mode & 0o777).toBe(0o600);

    const tail = herald(['tail', '--url', url, '--data-dir', dataDir]);
    for (let i = 0; i < 600 && !tail.output().stderr.includes('watching rep-1'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // With a token instead of a key, tail names the token's tenant and subscriber.
    const token = /Subscriber token: (\S+)/.exec(start.output().stdout)?.[1];
    expect(token).toBeDefined();
    const tokenTail = herald(['tail', '--url', url, '--token', token!]);
    for (let i = 0; i < 600 && !tokenTail.output().stderr.includes('watching'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tokenTail.output().stderr).toContain('watching dev/rep-1 on');
    const send = herald([
      'send',
      '--url',
      url,
      '--data-dir',
      dataDir,
      '--data',
      '{"orderId":"4242","total":5,"currency":"EUR"}',
    ]);
    expect(await send.exited, send.output().stderr).toBe(0);
    expect(send.output().stdout).toMatch(/^202 .*"accepted"/);
    for (let i = 0; i < 200 && !tail.output().stdout.includes('New order #4242'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tail.output().stdout, JSON.stringify(tail.output())).toMatch(
      /#1 .* \[normal\/orders\] New order #4242 — Ada Lovelace placed an order of €5\.00\. · unread 1\n/,
    );
    for (let i = 0; i < 200 && !tokenTail.output().stdout.includes('New order #4242'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(tokenTail.output().stdout).toMatch(/#1 .* New order #4242/);
    tail.child.kill('SIGINT');
    tokenTail.child.kill('SIGINT');
    expect(await tail.exited, JSON.stringify(tail.output())).toBe(0);
    expect(await tokenTail.exited, JSON.stringify(tokenTail.output())).toBe(0);

    start.child.kill('SIGTERM');
    expect(await start.exited, JSON.stringify(start.output())).toBe(0);
    expect(start.output().stdout).toContain('Stopped.');

    const again = herald([
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--cors-origin',
      'http://localhost:5173',
    ]);
    const againUrl = await listening(again);
    expect(again.output().stdout).toContain('Using the development tenant "dev"');
    expect(again.output().stdout).toContain('Browser apps on http://localhost:5173 may call the inbox API');
    // Even a refusal carries the header, so the page can read it.
    const refused = await fetch(`${againUrl}/v1/inbox`, { headers: { origin: 'http://localhost:5173' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  }, 120_000);

  it('benchmarks its own Herald and prints throughput and percentiles', async () => {
    const run = herald(['bench', '--events', '200', '--rate', '400', '--warmup', '100', '--json']);
    expect(await run.exited, run.output().stderr).toBe(0);
    const result = JSON.parse(run.output().stdout) as {
      sent: number;
      accepted: number;
      received: number;
      lost: number;
      latencyMs: { p50: number; p99: number };
      server?: { stages: Record<'ingest' | 'total', { count: number; p50: number }> };
    };
    // The warm-up's 100 events are sent first and left out of every figure.
    expect(result).toMatchObject({ sent: 200, accepted: 200, received: 200, lost: 0 });
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    // The server's own stage figures of the run, to a fraction of a millisecond.
    expect(result.server?.stages.total.count).toBeGreaterThanOrEqual(200);
    expect(result.server?.stages.ingest.p50).toBeGreaterThan(0);
  }, 120_000);

  it('manages the tenants and API keys of a store file, and refuses what would go wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    dirs.push(dir);
    const db = join(dir, 'store.db');
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const command = herald(args, env);
      const code = await command.exited;
      return { code, ...command.output() };
    };

    const missing = await run(['tenant', 'list', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no store at ${db}`);
    expect(await run(['tenant', 'add', 'acme', '--name', 'Acme Corp', '--db', db])).toMatchObject({
      code: 0,
    });
    const twice = await run(['tenant', 'add', 'acme', '--db', db]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('tenant "acme" exists already');
    // HERALD_DB, as the apps read it, names the store too.
    const listed = await run(['tenant', 'list', '--json'], { HERALD_DB: db });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: 'acme', name: 'Acme Corp' })]);

    const added = await run(['key', 'add', 'acme', '--name', 'production', '--db', db]);
    expect(added.code).toBe(0);
    const key = added.stdout.trim();
    expect(key).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(added.stderr).toContain('shown this once');
    const noTenant = await run(['key', 'add', 'nobody', '--db', db]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toContain('no tenant "nobody"');

    const keys = await run(['key', 'list', 'acme', '--json', '--db', db]);
    const [listedKey] = JSON.parse(keys.stdout) as { id: string; name: string; prefix: string }[];
    expect(listedKey).toMatchObject({ name: 'production', prefix: key.slice(0, 13) });
    expect(keys.stdout).not.toContain(key);
    {
      await using store = openStore({ path: db, checkpointIntervalMs: 0 });
      expect(store.tenants.verifyApiKey(key)?.tenantId).toBe('acme');
    }
    expect(await run(['key', 'revoke', 'acme', listedKey!.id, '--db', db])).toMatchObject({ code: 0 });
    {
      await using store = openStore({ path: db, checkpointIntervalMs: 0 });
      expect(store.tenants.verifyApiKey(key)).toBeUndefined();
    }
    const again = await run(['key', 'revoke', 'acme', listedKey!.id, '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no live API key');

    const unsure = await run(['tenant', 'remove', 'acme', '--db', db]);
    expect(unsure.code).toBe(2);
    expect(unsure.stderr).toContain('add --yes');
    expect(await run(['tenant', 'remove', 'acme', '--yes', '--db', db])).toMatchObject({ code: 0 });
    expect((await run(['tenant', 'list', '--db', db])).stdout).toContain('No tenants yet');
    const usage = await run(['key', 'list', '--db', db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: herald key list TENANT');
  }, 120_000);

  it('says what is wrong: unknown commands and options (exit 2), no key, an unreachable server (exit 1)', async () => {
    const unknown = herald(['launch']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toContain('unknown command "launch"');
    const option = herald(['start', '--colour']);
    expect(await option.exited).toBe(2);
    expect(option.output().stderr).toContain("Unknown option '--colour'");
    const origin = herald(['start', '--cors-origin', 'http://localhost:5173,crm.example.com']);
    expect(await origin.exited).toBe(2);
    expect(origin.output().stderr).toContain('--cors-origin: crm.example.com is not a URL');
    const warmUp = herald(['bench', '--warmup', 'lots']);
    expect(await warmUp.exited).toBe(2);
    expect(warmUp.output().stderr).toContain('--warmup must be an integer ≥ 0, got "lots"');
    const empty = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    dirs.push(empty);
    const noKey = herald(['send', '--data-dir', empty]);
    expect(await noKey.exited).toBe(1);
    expect(noKey.output().stderr).toContain('no API key: pass --key, or run `herald start` first');
    const down = herald(['send', '--url', 'http://127.0.0.1:1', '--key', 'hrld_x', '--customer', 'c']);
    expect(await down.exited).toBe(1);
    expect(down.output().stderr).toContain('cannot reach http://127.0.0.1:1');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as AddressInfo).port;
    const taken = herald(['start', '--port', String(busyPort), '--data-dir', empty]);
    expect(await taken.exited).toBe(1);
    expect(taken.output().stderr).toContain(`port ${busyPort} on 127.0.0.1 is in use`);
    busy.close();
    // A log written by a newer Herald: the reason in one line, no stack trace.
    const newer = mkdtempSync(join(tmpdir(), 'herald-cli-'));
    dirs.push(newer);
    const logFile = join(newer, 'herald-log.db');
    const db = new Database(logFile);
    db.exec(
      "CREATE TABLE herald_log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO herald_log_meta VALUES ('schema_version', '99')",
    );
    db.close();
    const tooNew = herald(['start', '--port', '0', '--data-dir', newer]);
    expect(await tooNew.exited).toBe(1);
    expect(tooNew.output().stderr).toBe(
      `herald: The log in ${logFile} has schema version 99, newer than this Herald understands (2). Upgrade Herald.\n`,
    );
    // A data directory the file system refuses to create (mkdir under /proc answers ENOENT):
    // the reason in one line, not a hang.
    if (existsSync('/proc/self')) {
      const refused = herald(['start', '--port', '0', '--data-dir', '/proc/herald-data']);
      expect(await refused.exited).toBe(1);
      expect(refused.output().stderr).toBe(
        "herald: Cannot open the store at /proc/herald-data/herald-store.db: Error: ENOENT: no such file or directory, mkdir '/proc/herald-data'\n",
      );
    }
    const help = herald(['help']);
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toContain('Usage: herald <command>');
  }, 60_000);
});
