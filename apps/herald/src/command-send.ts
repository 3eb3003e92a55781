import { CliError, resolveTarget } from './target.js';

/** The settings `herald send` takes. */
export interface SendCommandOptions {
  url?: string;
  apiKey?: string;
  dataDir: string;
  type: string;
  customer?: string;
  data?: string;
  priority?: string;
}

/** `herald send`: posts one CRM event and prints the answer. */
export async function commandSend(options: SendCommandOptions): Promise<void> {
  const target = resolveTarget(options);
  const customerId = options.customer ?? target.credentials?.customer;
  if (customerId === undefined) throw new CliError('no customer: pass --customer');
  let data: unknown = {
    orderId: String(1000 + Math.floor(Math.random() * 9000)),
    total: 99.5,
    currency: 'EUR',
  };
  if (options.data !== undefined) {
    try {
      data = JSON.parse(options.data);
    } catch {
      throw new CliError('--data must be a JSON object, e.g. \'{"orderId":"1001"}\'');
    }
  }
  const event = {
    type: options.type,
    customerId,
    occurredAt: new Date().toISOString(),
    data,
    ...(options.priority === undefined ? {} : { priority: options.priority }),
  };
  const response = await fetch(`${target.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  }).catch((cause: unknown) => {
    throw new CliError(
      `cannot reach ${target.url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  });
  const text = await response.text();
  console.log(`${response.status} ${text}`);
  if (response.status !== 202) process.exitCode = 1;
}
