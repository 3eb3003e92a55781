import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchServerStages, formatServerStages } from './server-stages.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server answering every request with `status` and `body`, and the authorization it saw. */
async function serve(status: number, body: unknown): Promise<{ url: string; seen: (string | undefined)[] }> {
  const seen: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('the server stages herald bench prints', () => {
  it("reads the key's latency report", async () => {
    const stages = { ingest: { count: 3, p50: 0.05, p90: 0.07, p99: 0.09 } };
    const server = await serve(200, { tenant: 'dev', stages });
    expect(await fetchServerStages(server.url, 'hrld_key')).toEqual(stages);
    expect(server.seen).toEqual(['Bearer hrld_key']);
  });

  it('is left out when the server does not answer it, or is not there', async () => {
    const refused = await serve(401, { error: { code: 'unauthorized', message: 'no' } });
    expect(await fetchServerStages(refused.url, 'wrong')).toBeUndefined();
    const gone = await serve(200, {});
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await fetchServerStages(gone.url, 'k')).toBeUndefined();
  });

  it('prints each stage median in pipeline order, a dash for one missing', () => {
    const line = formatServerStages({
      total: { count: 1, p50: 0.43, p90: 0.5, p99: 0.6 },
      ingest: { count: 1, p50: 0.058, p90: 0.07, p99: 0.08 },
    });
    expect(line).toBe(
      "server    stage p50s (the tenant's last minute): ingest 0.058 · log – · process – · deliver – · total 0.43 ms",
    );
  });
});
