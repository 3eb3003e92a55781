import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeraldClient, type HeraldClient } from '@herald/client';
import type { Notification } from '@herald/protocol';
import { pino } from 'pino';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { startHerald, type RunningHerald, type StartOptions } from '../src/index.js';

/** A Herald on port 0 in a temporary directory, removed on dispose. */
export async function startTestHerald(
  options: Partial<StartOptions> = {},
): Promise<RunningHerald & { dataDir: string }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'herald-e2e-'));
  const herald = await startHerald({ port: 0, logger: pino({ level: 'silent' }), ...options, dataDir });
  return {
    ...herald,
    dataDir,
    async [Symbol.asyncDispose]() {
      await herald.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A Herald to stop and start again, as a restart would: the first on port 0 and a temporary
 * directory (removed when the test ends), and `restart()` for the next on the same port and
 * files, once the first is closed.
 */
export async function startRestartableHerald(options: Partial<StartOptions> = {}): Promise<{
  first: Awaited<ReturnType<typeof startTestHerald>>;
  restart: () => ReturnType<typeof startTestHerald>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-restart-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestHerald({ ...options, dataDir });
  return { first, restart: () => startTestHerald({ ...options, dataDir, port: first.port }) };
}

/** Posts one event with the development key; returns the status and body. */
export async function postEvent(
  herald: RunningHerald,
  event: Record<string, unknown>,
  apiKey = herald.credentials.apiKey,
): Promise<{ status: number; body: { id?: string; status?: string; error?: { field?: string } } }> {
  const response = await fetch(`${herald.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      customerId: herald.credentials.customer,
      occurredAt: new Date().toISOString(),
      ...event,
    }),
  });
  return { status: response.status, body: (await response.json()) as { id?: string; status?: string } };
}

/** An SDK client that records what it is told. */
export async function watch(
  herald: RunningHerald,
  token = herald.sampleToken,
): Promise<{
  client: HeraldClient;
  seen: Notification[];
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
}> {
  const client = createHeraldClient({ url: herald.url, token, WebSocket });
  const seen: Notification[] = [];
  client.on('notification', (notification) => seen.push(notification));
  client.on('replace', ({ notification }) => seen.push(notification));
  await client.connect();
  return {
    client,
    seen,
    async until(check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out; seen: ${seen.map((n) => n.title).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}
