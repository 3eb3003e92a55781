import { defineConfig } from 'vitest/config';

// Running vitest from the root runs every package as its own project.
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*'] },
});
