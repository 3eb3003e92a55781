/** The text of `herald help`. */
export function helpText(): string {
  return [
    'Usage: herald <command> [options]',
    '',
    'Commands:',
    '  start   run ingest, push and scheduler on one port, on the embedded defaults',
    '          (SQLite under --data-dir, in-memory cache); creates a development tenant,',
    '          API key and subscriber on first start and prints how to try them',
    '          [--port 8080] [--host 127.0.0.1] [--data-dir ./data] [--log-url URL]',
    '          [--cache-url URL] [--rules FILE] [--log-level warn]',
    '          [--webhook-url URL --webhook-secret SECRET]  (the webhook channel, signed HMAC-SHA256)',
    '          [--cors-origin ORIGIN,…]  (browser origins allowed to call the inbox and SSE stream; * for any)',
    '  send    post one CRM event   [--type order.created] [--customer ID] [--data JSON] [--priority P]',
    '  tail    print a subscriber’s notifications live   [--subscriber ID | --token JWT] [--json]',
    '  bench   time events to the socket   [--events 5000] [--rate 1000] [--warmup 1000] [--concurrency 64] [--json]',
    '          (without --url it starts its own Herald on a temporary directory)',
    '  tenant  add ID [--name NAME] | list | remove ID --yes   the tenants of a store',
    '  key     add TENANT [--name NAME] | list TENANT | revoke TENANT KEY_ID   their API keys',
    '          (add prints the key once, alone on stdout)',
    '  help    show this text',
    '',
    'send, tail and bench talk to --url (default http://127.0.0.1:8080) with --key, or with the',
    'key `herald start` saved in --data-dir.',
    'tenant and key work on the store file: --db, else HERALD_DB, else --data-dir/herald-store.db;',
    'add --json to list or add for JSON. The apps take a key verified in the last 5 s as valid.',
  ].join('\n');
}
