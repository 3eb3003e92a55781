import { readDevCredentials, type DevCredentials } from './dev-credentials.js';

/** Where `send`, `tail` and `bench` talk to, and with what. */
export interface Target {
  url: string;
  apiKey: string;
  credentials: DevCredentials | undefined;
}

/** An error the CLI prints as one line and exits with code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    /** 2 for a usage error, 1 otherwise. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The server and key from the flags, falling back to what `herald start` saved in the data
 * directory. Throws a `CliError` saying what to do when there is no key.
 */
export function resolveTarget(options: { url?: string; apiKey?: string; dataDir: string }): Target {
  const credentials = readDevCredentials(options.dataDir);
  const apiKey = options.apiKey ?? credentials?.apiKey;
  if (apiKey === undefined) {
    throw new CliError(
      `no API key: pass --key, or run \`herald start\` first (it saves one in ${options.dataDir}/dev-credentials.json)`,
    );
  }
  return { url: (options.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''), apiKey, credentials };
}

/** Mints a subscriber token through `POST /v1/subscribers/:id/token`. */
export async function mintToken(target: Target, subscriber: string): Promise<string> {
  const response = await fetch(`${target.url}/v1/subscribers/${encodeURIComponent(subscriber)}/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}` },
  }).catch((cause: unknown) => {
    throw new CliError(
      `cannot reach ${target.url}: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`,
    );
  });
  const body = (await response.json()) as { token?: string; error?: { message: string } };
  if (response.status !== 201 || body.token === undefined) {
    throw new CliError(
      `could not get a token for ${subscriber}: HTTP ${response.status} ${body.error?.message ?? ''}`,
    );
  }
  return body.token;
}
