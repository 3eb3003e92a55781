import type { CustomerLatencyModel, Histogram } from '@herald/core/latency';

/** One latency's figures in µs; `null` before anything was measured. */
export interface LatencyFigures {
  /** How many operations were measured (N for T_update, M for T_response). */
  count: number;
  /** The mean: T_update or T_response itself. */
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** The seed's two latencies, with percentiles, in µs. */
export interface ProfileLatency {
  /** Customer updates: `update()` calls and `updateMany()` items, store write plus cache write. */
  tUpdate: LatencyFigures;
  /** Profile requests: `get()` calls, from the call to the answer, cache hit or store fallback. */
  tResponse: LatencyFigures;
}

function figures(histogram: Histogram): LatencyFigures {
  const at = (q: number) => histogram.percentile(q) ?? null;
  return {
    count: histogram.count,
    mean: histogram.mean ?? null,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: histogram.max ?? null,
  };
}

/**
 * T_update and T_response of a model, means and percentiles.
 *
 * @example
 * const { tUpdate, tResponse } = profileLatency(model);
 */
export function profileLatency(model: CustomerLatencyModel): ProfileLatency {
  return { tUpdate: figures(model.updates), tResponse: figures(model.responses) };
}
