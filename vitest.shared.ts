import { defaultServerConditions } from 'vite';
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/** The condition under which workspace packages resolve to their TypeScript source. */
export const sourceCondition = '@herald/source';

/**
 * The vitest settings every package shares: resolve workspace packages to source
 * (no build before testing) and write a JSON report that `scripts/test-summary.mjs` totals.
 */
export function defineHeraldProject(name: string, overrides: ViteUserConfig = {}): ViteUserConfig {
  const conditions = [sourceCondition, ...defaultServerConditions];
  const shared = defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    },
  });
  return mergeConfig(shared, overrides);
}
