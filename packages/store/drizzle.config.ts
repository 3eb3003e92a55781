import { defineConfig } from 'drizzle-kit';

// `pnpm db:generate` writes a migration into ./drizzle for each schema change; commit them.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
