import { apiKeyAuth, type ApiKeyEnv } from '@herald/http';
import type { Store } from '@herald/store';
import { Hono } from 'hono';
import type { LatencyStats } from './latency-stats.js';

/**
 * `GET /v1/stats/latency` (tenant API key): the tenant's p50/p90/p99 per pipeline stage over the
 * last window, its arrival rate, and the M/M/c prediction of the response time at this load.
 *
 * @example
 * app.route('/', latencyRoutes({ store, latency }));
 */
export function latencyRoutes(deps: { store: Store; latency: LatencyStats }): Hono<ApiKeyEnv> {
  const app = new Hono<ApiKeyEnv>();
  app.get('/v1/stats/latency', apiKeyAuth(deps.store), (c) =>
    c.json(deps.latency.report(c.get('apiKey').tenantId)),
  );
  return app;
}
