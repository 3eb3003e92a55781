export { createIngestApp, type IngestApp, type IngestDeps, type IngestLimits } from './create-ingest-app.js';
export { Deduplicator, type ClaimResult, type DeduplicatorOptions, type FilterFill } from './deduplicator.js';
export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { parseIngestEnv, type IngestConfig } from './parse-ingest-env.js';
