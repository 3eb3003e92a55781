import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '@herald/store';
import { z } from 'zod';

/** What `herald start` creates on first start and the other commands read back. */
export interface DevCredentials {
  tenant: string;
  apiKey: string;
  /** The HS256 key of subscriber tokens: kept so tokens survive restarts. */
  tokenSecret: string;
  /** A sample customer whose owner is {@link DevCredentials.subscriber}. */
  customer: string;
  subscriber: string;
}

const credentialsSchema = z.object({
  tenant: z.string().min(1),
  apiKey: z.string().min(1),
  tokenSecret: z.string().min(32),
  customer: z.string().min(1),
  subscriber: z.string().min(1),
});

/** The file the development credentials live in, inside the data directory. */
export function credentialsPath(dataDir: string): string {
  return join(dataDir, 'dev-credentials.json');
}

/**
 * The development credentials under `dataDir`, or `undefined` when `herald start` has not run
 * there yet. Throws on a file that is not what `herald start` wrote.
 *
 * @example
 * const credentials = readDevCredentials('./data');
 */
export function readDevCredentials(dataDir: string): DevCredentials | undefined {
  const path = credentialsPath(dataDir);
  if (!existsSync(path)) return undefined;
  const parsed = credentialsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} is not a Herald credentials file: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * The development tenant, API key, token secret and a sample customer owned by a sample
 * subscriber: read from `dataDir`, or created on first start (the file is readable by its owner
 * only). A key revoked since is replaced.
 *
 * @example
 * const { apiKey, tenant } = ensureDevCredentials(store, './data');
 */
export function ensureDevCredentials(
  store: Store,
  dataDir: string,
): { credentials: DevCredentials; created: boolean } {
  const existing = readDevCredentials(dataDir);
  if (existing !== undefined && store.tenants.verifyApiKey(existing.apiKey)?.tenantId === existing.tenant) {
    return { credentials: existing, created: false };
  }
  const tenant = existing?.tenant ?? 'dev';
  if (store.tenants.get(tenant) === undefined) store.tenants.create({ id: tenant, name: 'Development' });
  const customer = existing?.customer ?? 'cust-1';
  const subscriber = existing?.subscriber ?? 'rep-1';
  if (store.customers.get(tenant, customer) === undefined) {
    store.customers.upsert({
      tenantId: tenant,
      id: customer,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      ownerId: subscriber,
      locale: 'en',
      attributes: {},
      version: 1,
    });
  }
  const credentials: DevCredentials = {
    tenant,
    apiKey: store.tenants.createApiKey(tenant, { name: 'herald start' }).key,
    tokenSecret: existing?.tokenSecret ?? randomBytes(32).toString('hex'),
    customer,
    subscriber,
  };
  const path = credentialsPath(dataDir);
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { credentials, created: true };
}
