#!/usr/bin/env node
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCorsOrigins } from '@herald/push';
import { commandBench } from './command-bench.js';
import { commandSend } from './command-send.js';
import { commandStart } from './command-start.js';
import { commandTail } from './command-tail.js';
import { commandKey, commandTenant } from './command-tenants.js';
import { helpText } from './help-text.js';
import { CliError } from './target.js';

const options = {
  url: { type: 'string' },
  key: { type: 'string' },
  token: { type: 'string' },
  // pnpm runs scripts in the package's directory; INIT_CWD is where the user typed the command.
  'data-dir': {
    type: 'string',
    default: process.env.HERALD_DATA_DIR ?? join(process.env.INIT_CWD ?? process.cwd(), 'data'),
  },
  port: { type: 'string', default: process.env.PORT ?? '8080' },
  host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  'log-url': { type: 'string' },
  'cache-url': { type: 'string' },
  rules: { type: 'string' },
  'webhook-url': { type: 'string', default: process.env.HERALD_WEBHOOK_URL },
  'webhook-secret': { type: 'string', default: process.env.HERALD_WEBHOOK_SECRET },
  'cors-origin': { type: 'string', default: process.env.HERALD_CORS_ORIGINS },
  'log-level': { type: 'string', default: process.env.LOG_LEVEL ?? 'warn' },
  type: { type: 'string', default: 'order.created' },
  customer: { type: 'string' },
  data: { type: 'string' },
  priority: { type: 'string' },
  subscriber: { type: 'string' },
  events: { type: 'string', default: '5000' },
  rate: { type: 'string', default: '1000' },
  concurrency: { type: 'string', default: '64' },
  warmup: { type: 'string', default: '1000' },
  json: { type: 'boolean', default: false },
  db: { type: 'string' },
  name: { type: 'string' },
  yes: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function integer(name: string, value: string, min: number): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min)
    throw new CliError(`--${name} must be an integer ≥ ${min}, got "${value}"`, 2);
  return parsed;
}

function webhookOption(
  url: string | undefined,
  secret: string | undefined,
): { webhook?: { url: string; secret: string } } {
  if (url === undefined && secret === undefined) return {};
  if (url === undefined || secret === undefined || secret.length < 16) {
    throw new CliError('--webhook-url and --webhook-secret (16 characters or more) go together', 2);
  }
  if (!URL.canParse(url)) throw new CliError(`--webhook-url is not a URL: ${url}`, 2);
  return { webhook: { url, secret } };
}

function corsOption(value: string | undefined): { corsOrigins?: string[] } {
  if (value === undefined) return {};
  const read = readCorsOrigins(value);
  if ('problem' in read) throw new CliError(`--cors-origin: ${read.problem}`, 2);
  return { corsOrigins: read.origins };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options, allowPositionals: true, strict: true });
  const command = values.help ? 'help' : (positionals[0] ?? 'help');
  const target = {
    dataDir: values['data-dir'],
    ...(values.url === undefined ? {} : { url: values.url }),
    ...(values.key === undefined ? {} : { apiKey: values.key }),
  };
  switch (command) {
    case 'start':
      return commandStart({
        dataDir: values['data-dir'],
        port: integer('port', values.port, 0),
        host: values.host,
        logLevel: values['log-level'],
        ...(values['log-url'] === undefined ? {} : { logUrl: values['log-url'] }),
        ...(values['cache-url'] === undefined ? {} : { cacheUrl: values['cache-url'] }),
        ...(values.rules === undefined ? {} : { rulesPath: values.rules }),
        ...webhookOption(values['webhook-url'], values['webhook-secret']),
        ...corsOption(values['cors-origin']),
      });
    case 'send':
      return commandSend({
        ...target,
        type: values.type,
        ...(values.customer === undefined ? {} : { customer: values.customer }),
        ...(values.data === undefined ? {} : { data: values.data }),
        ...(values.priority === undefined ? {} : { priority: values.priority }),
      });
    case 'tail':
      return commandTail({
        ...target,
        json: values.json,
        ...(values.token === undefined ? {} : { token: values.token }),
        ...(values.subscriber === undefined ? {} : { subscriber: values.subscriber }),
      });
    case 'bench':
      return commandBench({
        ...target,
        events: integer('events', values.events, 1),
        rate: integer('rate', values.rate, 0),
        concurrency: integer('concurrency', values.concurrency, 1),
        warmUp: integer('warmup', values.warmup, 0),
        json: values.json,
      });
    case 'tenant':
    case 'key': {
      const admin = {
        db: values.db,
        dataDir: values['data-dir'],
        name: values.name,
        yes: values.yes,
        json: values.json,
      };
      return command === 'tenant'
        ? commandTenant(positionals.slice(1), admin)
        : commandKey(positionals.slice(1), admin);
    }
    case 'help':
      console.log(helpText());
      return;
    default:
      throw new CliError(`unknown command "${command}"\n\n${helpText()}`, 2);
  }
}

main().catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(`herald: ${error.message}`);
    process.exit(error.exitCode);
  }
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`herald: ${error.message}\n\n${helpText()}`);
    process.exit(2);
  }
  // Herald's typed errors and Node's system errors carry a code and a message written to be
  // read: the message and its causes say it; a stack trace would bury it. Anything else is a
  // bug, shown in full.
  if (hasCode(error) && process.env.LOG_LEVEL !== 'debug') {
    console.error(`herald: ${error.message}${causes(error)}`);
    process.exit(1);
  }
  console.error('herald:', error);
  process.exit(1);
});

function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The messages of an error's causes, a line each, where they add something. */
function causes(error: Error): string {
  let text = '';
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) {
    if (!error.message.includes(cause.message)) text += `\n  because: ${cause.message}`;
  }
  return text;
}
