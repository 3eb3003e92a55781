// Runs the benchmark suites (all, or those named on the command line) and writes the
// figures to results/latest.json. Benchmarks print ratios; they never fail a build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { collectedFigures, collectedResults } from './harness.js';
import { BenchSettingsError, readPipelineSettings } from './pipeline-settings.js';

// Each suite is a module whose default export runs its comparisons; loaded lazily so a
// filtered run imports only what it needs.
const suites: Record<string, () => Promise<unknown>> = {
  'core-bloom': async () => (await import('./core-bloom.bench.js')).default(),
  'core-heap': async () => (await import('./core-heap.bench.js')).default(),
  'core-latency': async () => (await import('./core-latency.bench.js')).default(),
  'transport-log': async () => (await import('./transport-log.bench.js')).default(),
  'profiles-store': async () => (await import('./profiles-store.bench.js')).default(),
  scheduler: async () => (await import('./scheduler.bench.js')).default(),
  pipeline: async () => (await import('./pipeline.bench.js')).default(),
};

const wanted = process.argv.slice(2);
const selected = Object.keys(suites).filter(
  (name) => wanted.length === 0 || wanted.some((w) => name.includes(w)),
);
if (selected.length === 0) {
  console.error(`No suite matches ${wanted.join(', ')}. Suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

// Settings are read before anything runs: a mistake stops the run at once, in one line.
const settingsOf: Record<string, () => unknown> = { pipeline: readPipelineSettings };
for (const name of selected) {
  try {
    settingsOf[name]?.();
  } catch (error) {
    if (!(error instanceof BenchSettingsError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exit(2);
  }
}

console.log(
  `Herald benchmarks · node ${process.version} · ${cpus().length} cores · ${cpus()[0]?.model ?? ''}`,
);
console.log(
  'Ratios are ours ÷ peer, measured in this run. Machines are noisy: compare, do not trust absolutes.',
);
for (const name of selected) {
  console.log(`\n=== ${name} ===`);
  const run = suites[name];
  if (run) await run();
}

const resultsDir = new URL('../results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const file = new URL('latest.json', resultsDir);
writeFileSync(
  file,
  JSON.stringify(
    {
      node: process.version,
      date: new Date().toISOString(),
      comparisons: collectedResults(),
      figures: collectedFigures(),
    },
    null,
    2,
  ),
);
console.log(`\nFigures written to ${file.pathname}`);
