/** What each package of this build provides, printed by `herald start` and `herald help`. */
export const components = [
  ['@herald/core', 'Bloom filters, priority heaps, latency histograms and the M/M/c model'],
  ['@herald/transport', 'the durable event log: sqlite: (default), kafka://, memory:'],
  ['@herald/cache', 'key/value, hashes, counters and pub/sub: memory: (default), redis://'],
  ['@herald/store', 'tenants, customers, inboxes, deliveries, reminders, preferences on SQLite'],
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

/** The text of `herald start` in a build that carries the libraries but not the servers yet. */
export function startText(): string {
  return [
    'Herald — real-time notifications and reminders for CRM platforms.',
    '',
    'This build carries the libraries the servers are made of:',
    ...components.map(([name, summary]) => `  ${name.padEnd(20)} ${summary}`),
    '',
    'The ingest, push and scheduler servers are not part of this build yet, so there is',
    'nothing to start. `pnpm test` exercises every package; `pnpm bench` measures them.',
  ].join('\n');
}
