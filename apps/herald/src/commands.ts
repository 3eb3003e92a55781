/** What each package of this build provides, printed by `herald start` and `herald help`. */
export const components = [
  ['@herald/core', 'Bloom filters, priority heaps, latency histograms and the M/M/c model'],
  ['@herald/transport', 'the durable event log: sqlite: (default), kafka://, memory:'],
  ['@herald/cache', 'key/value, hashes, counters and pub/sub: memory: (default), redis://'],
  ['@herald/store', 'tenants, customers, inboxes, deliveries, reminders, preferences on SQLite'],
  ['@herald/profiles', 'customer profiles written through to store and cache, read from the cache'],
  ['@herald/protocol', 'the wire contracts: events, notifications, reminders, socket frames, errors'],
  ['@herald/rules', 'rule sets turning events into notifications and reminder commands'],
  ['@herald/gateway', 'live delivery over WebSocket and SSE with resume and backpressure'],
  ['@herald/ingest', 'the CRM-facing HTTP app (runs on its own: pnpm --filter @herald/ingest start)'],
] as const;

/** The text of `herald help`. */
export function helpText(): string {
  return [
    'Usage: herald <command>',
    '',
    'Commands:',
    '  start    run Herald on its embedded defaults',
    '  help     show this text',
    '',
    'Packages in this build:',
    ...components.map(([name, summary]) => `  ${name.padEnd(20)} ${summary}`),
  ].join('\n');
}

/** The text of `herald start` in a build that does not compose the three apps yet. */
export function startText(): string {
  return [
    'Herald — real-time notifications and reminders for CRM platforms.',
    '',
    'This build carries:',
    ...components.map(([name, summary]) => `  ${name.padEnd(20)} ${summary}`),
    '',
    'The push and scheduler apps are not part of this build yet, so `herald start` has no',
    'pipeline to compose. The ingest app runs on its own (see apps/ingest/README.md);',
    '`pnpm test` exercises every package and `pnpm bench` measures them.',
  ].join('\n');
}
