import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the drizzle-kit migrations shipped with this package. This file sits one
 * level below the package root both as `src/migrations-folder.ts` and as `dist/migrations-folder.js`,
 * so the same relative URL works from source and from the build.
 *
 * @example
 * migrate(drizzle(sqlite), { migrationsFolder }) // what openStore does for you
 */
export const migrationsFolder: string = fileURLToPath(new URL('../drizzle', import.meta.url));
