import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, StoreError, type ApiKey, type Store } from '@herald/store';
import { CliError } from './target.js';

/** What `herald tenant …` and `herald key …` take. */
export interface TenantCommandOptions {
  /** The store's database file; see {@link storePath}. */
  db: string | undefined;
  dataDir: string;
  name: string | undefined;
  yes: boolean;
  json: boolean;
}

/**
 * The store the commands work on: `--db`, else `HERALD_DB` (what the apps read), else the file
 * `herald start` keeps in the data directory.
 */
function storePath(options: Pick<TenantCommandOptions, 'db' | 'dataDir'>): string {
  return options.db ?? process.env.HERALD_DB ?? join(options.dataDir, 'herald-store.db');
}

/**
 * Opens the store for one command and closes it after. Only `create` may make a new file: a
 * mistyped path would otherwise answer with an empty store.
 */
async function withStore<T>(
  options: TenantCommandOptions,
  create: boolean,
  run: (store: Store) => T,
): Promise<T> {
  const path = storePath(options);
  if (!create && !existsSync(path)) {
    throw new CliError(`no store at ${path}: pass --db (or set HERALD_DB), or run \`herald start\` first`);
  }
  // No checkpointer: a command writes a few rows, and the close checkpoints them.
  const store = openStore({ path, checkpointIntervalMs: 0 });
  try {
    return run(store);
  } catch (error) {
    if (StoreError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

function requireArgument(value: string | undefined, usage: string): string {
  if (value === undefined || value === '') throw new CliError(`usage: ${usage}`, 2);
  return value;
}

function requireTenant(store: Store, tenant: string): void {
  if (store.tenants.get(tenant) === undefined) {
    throw new CliError(`no tenant "${tenant}" (herald tenant list shows them)`);
  }
}

const iso = (at: number | null) => (at === null ? '—' : new Date(at).toISOString());

/** `herald tenant add|list|remove`: the tenants of a store. */
export async function commandTenant(args: readonly string[], options: TenantCommandOptions): Promise<void> {
  const [action, id] = args;
  switch (action) {
    case 'add': {
      const tenant = requireArgument(id, 'herald tenant add ID [--name NAME]');
      await withStore(options, true, (store) => {
        if (store.tenants.create({ id: tenant, name: options.name ?? tenant }) === undefined) {
          throw new CliError(`tenant "${tenant}" exists already`);
        }
      });
      console.log(`Created tenant "${tenant}". Give it an API key: herald key add ${tenant}`);
      return;
    }
    case 'list': {
      const tenants = await withStore(options, false, (store) => store.tenants.list());
      if (options.json) console.log(JSON.stringify(tenants));
      else if (tenants.length === 0) console.log('No tenants yet: herald tenant add ID');
      else for (const t of tenants) console.log(`${t.id}\t${t.name}\tcreated ${iso(t.createdAt)}`);
      return;
    }
    case 'remove': {
      const tenant = requireArgument(id, 'herald tenant remove ID --yes');
      if (!options.yes) {
        throw new CliError(
          `removing tenant "${tenant}" deletes its API keys, customers, inboxes, reminders and deliveries; add --yes to do it`,
          2,
        );
      }
      const removed = await withStore(options, false, (store) => store.tenants.remove(tenant));
      if (!removed) throw new CliError(`no tenant "${tenant}"`);
      console.log(`Removed tenant "${tenant}" and everything it owned.`);
      return;
    }
    default:
      throw new CliError('usage: herald tenant add ID [--name NAME] | list | remove ID --yes', 2);
  }
}

function keyLine(key: ApiKey): string {
  const state = key.revokedAt === null ? 'live' : `revoked ${iso(key.revokedAt)}`;
  return `${key.id}\t${key.prefix}…\t${key.name || '—'}\tcreated ${iso(key.createdAt)}\tlast used ${iso(key.lastUsedAt)}\t${state}`;
}

/** `herald key add|list|revoke`: a tenant's API keys. */
export async function commandKey(args: readonly string[], options: TenantCommandOptions): Promise<void> {
  const [action, tenantArgument, keyId] = args;
  switch (action) {
    case 'add': {
      const tenant = requireArgument(tenantArgument, 'herald key add TENANT [--name NAME]');
      const { key, apiKey } = await withStore(options, false, (store) => {
        requireTenant(store, tenant);
        return store.tenants.createApiKey(tenant, options.name === undefined ? {} : { name: options.name });
      });
      if (options.json) {
        console.log(JSON.stringify({ key, ...apiKey }));
        return;
      }
      // The key alone on stdout, so that KEY=$(herald key add acme) works; the rest on stderr.
      console.log(key);
      console.error(`API key ${apiKey.id} for tenant "${tenant}": shown this once, keep it now.`);
      return;
    }
    case 'list': {
      const tenant = requireArgument(tenantArgument, 'herald key list TENANT');
      const keys = await withStore(options, false, (store) => {
        requireTenant(store, tenant);
        return store.tenants.listApiKeys(tenant);
      });
      if (options.json) console.log(JSON.stringify(keys));
      else if (keys.length === 0) console.log(`Tenant "${tenant}" has no API keys: herald key add ${tenant}`);
      else for (const key of keys) console.log(keyLine(key));
      return;
    }
    case 'revoke': {
      const tenant = requireArgument(tenantArgument, 'herald key revoke TENANT KEY_ID');
      const id = requireArgument(keyId, 'herald key revoke TENANT KEY_ID');
      const revoked = await withStore(options, false, (store) => {
        requireTenant(store, tenant);
        return store.tenants.revokeApiKey(tenant, id);
      });
      if (!revoked) throw new CliError(`tenant "${tenant}" has no live API key ${id}`);
      // Running apps remember a verified key for up to 5 s (rememberVerifiedKeysMs).
      console.log(`Revoked API key ${id} of tenant "${tenant}"; running apps refuse it within 5 s.`);
      return;
    }
    default:
      throw new CliError(
        'usage: herald key add TENANT [--name NAME] | list TENANT | revoke TENANT KEY_ID',
        2,
      );
  }
}
