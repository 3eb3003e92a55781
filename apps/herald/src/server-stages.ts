import type { LatencyReport } from '@herald/push';

/** The stages `/v1/stats/latency` reports, in pipeline order. */
const stageNames = ['ingest', 'log', 'process', 'deliver', 'total'] as const;

/**
 * The server's own view of the run: `GET /v1/stats/latency` of the key's tenant (its last minute,
 * warm-up included), or `undefined` when the server does not answer it (an older Herald, or a
 * key without access), since the run's own figures stand without it.
 */
export async function fetchServerStages(
  url: string,
  apiKey: string,
): Promise<Partial<LatencyReport['stages']> | undefined> {
  try {
    const response = await fetch(`${url}/v1/stats/latency`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return undefined;
    const report = (await response.json()) as Partial<LatencyReport>;
    return report.stages;
  } catch {
    return undefined;
  }
}

/** One line of the stages' medians, in ms. */
export function formatServerStages(stages: Partial<LatencyReport['stages']>): string {
  const medians = stageNames.map((name) => `${name} ${stages[name]?.p50 ?? '–'}`).join(' · ');
  return `server    stage p50s (the tenant's last minute): ${medians} ms`;
}
