import { resolve } from 'node:path';
import { pino } from 'pino';
import { startHerald } from './start-herald.js';
import { CliError } from './target.js';

/** The settings `herald start` takes. */
export interface StartCommandOptions {
  dataDir: string;
  port: number;
  host: string;
  logUrl?: string;
  cacheUrl?: string;
  rulesPath?: string;
  webhook?: { url: string; secret: string };
  corsOrigins?: string[];
  logLevel: string;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * `herald start`: the whole of Herald on one port, then what to paste to try it. Runs until
 * SIGINT/SIGTERM, then closes everything in order and exits 0.
 */
export async function commandStart(options: StartCommandOptions): Promise<void> {
  const logger = pino({ level: options.logLevel, name: 'herald' });
  const herald = await startHerald({
    dataDir: options.dataDir,
    port: options.port,
    host: options.host,
    logger,
    ...(options.logUrl === undefined ? {} : { logUrl: options.logUrl }),
    ...(options.cacheUrl === undefined ? {} : { cacheUrl: options.cacheUrl }),
    ...(options.rulesPath === undefined ? {} : { rulesPath: options.rulesPath }),
    ...(options.webhook === undefined ? {} : { webhook: options.webhook }),
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
  }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `port ${options.port} on ${options.host} is in use: stop what runs there, or pass --port`,
      );
    }
    throw error;
  });
  const { credentials, url } = herald;
  const event = {
    type: 'order.created',
    customerId: credentials.customer,
    occurredAt: '2030-01-01T09:00:00Z',
    data: { orderId: '1001', total: 99.5, currency: 'EUR', dueAt: '2030-01-08T09:00:00Z' },
  };
  // Listen for the signals before saying it runs: whoever reads that line may stop it at once.
  const stopped = new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping…`);
      const timer = setTimeout(() => {
        console.error('herald: shutdown timed out');
        process.exit(1);
      }, 15_000);
      timer.unref();
      herald
        .close()
        .then(() => {
          console.log('Stopped.');
          resolveStop();
        })
        .catch((error: unknown) => {
          console.error('herald: shutdown failed:', error);
          process.exit(1);
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  console.log(
    [
      `Herald is running on ${url} — ingest, push and scheduler, data in ${resolve(options.dataDir)}`,
      herald.createdCredentials
        ? `Created the development tenant "${credentials.tenant}" and an API key (saved in ${resolve(options.dataDir, 'dev-credentials.json')}).`
        : `Using the development tenant "${credentials.tenant}" from ${resolve(options.dataDir, 'dev-credentials.json')}.`,
      '',
      `API key:          ${credentials.apiKey}`,
      `Subscriber token: ${herald.sampleToken}`,
      `                  (for "${credentials.subscriber}", owner of customer "${credentials.customer}"; valid 24 h)`,
      '',
      `Watch ${credentials.subscriber}'s notifications live:`,
      `  pnpm herald tail --url ${url}`,
      '',
      'Send an order (it notifies the owner, and schedules a payment-due reminder):',
      `  curl -sS ${url}/v1/events -H ${shellQuote(`Authorization: Bearer ${credentials.apiKey}`)} -H 'Content-Type: application/json' \\`,
      `    -d ${shellQuote(JSON.stringify(event))}`,
      `  pnpm herald send --url ${url}`,
      '',
      options.corsOrigins !== undefined && options.corsOrigins.length > 0
        ? `Browser apps on ${options.corsOrigins.join(', ')} may call the inbox API and the SSE stream.`
        : 'A browser app on another origin needs --cors-origin ORIGIN for the inbox API (the WebSocket needs nothing).',
      `API: ${url}/openapi.json   Health: ${url}/readyz   Metrics: ${url}/metrics`,
      'Stop with Ctrl-C.',
    ].join('\n'),
  );

  await stopped;
}
