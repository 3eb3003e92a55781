import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * The routes a browser calls with a subscriber token: the inbox, the subscriber's own
 * preferences and the SSE stream. Routes taking an API key are server-to-server (a key must
 * never reach a browser), so no origin is ever allowed to call them.
 */
export const subscriberRoutePaths = ['/v1/inbox', '/v1/inbox/*', '/v1/preferences', '/v1/stream'] as const;

/**
 * Why `origin` cannot be an allowed browser origin, or `undefined` when it can: `*`, or a
 * scheme, host and optional port with nothing after (`https://crm.example.com`,
 * `http://localhost:5173`), as browsers send it in `Origin`.
 *
 * @example
 * corsOriginProblem('https://crm.example.com/app') // 'has a path: an origin is scheme://host[:port]'
 */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin === '*') return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not a URL: an origin is scheme://host[:port]';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'is not http or https';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return 'has a path: an origin is scheme://host[:port]';
  }
  // A trailing slash, capitals, a default port: browsers send the origin as `url.origin` writes it.
  if (url.origin !== origin) return `is not written as an origin: ${url.origin}`;
  return undefined;
}

/**
 * The origins of a comma-separated list (`HERALD_CORS_ORIGINS`, `--cors-origin`), or what is
 * wrong with the first entry that is not one (`"crm.example.com is not a URL: …"`).
 *
 * @example
 * readCorsOrigins('https://crm.example.com, http://localhost:5173') // { origins: [both] }
 */
export function readCorsOrigins(text: string): { origins: string[] } | { problem: string } {
  const origins = text
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem !== undefined) return { problem: `${origin} ${problem}` };
  }
  return { origins };
}

/**
 * Throws a `RangeError` naming the first entry of `origins` that is not an origin.
 *
 * @example
 * assertCorsOrigins(['https://crm.example.com', 'http://localhost:5173']); // fine
 */
export function assertCorsOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem !== undefined) throw new RangeError(`CORS origin ${JSON.stringify(origin)} ${problem}`);
  }
}

/**
 * The CORS middleware of the subscriber routes: browsers on `origins` (`*` for any) may call
 * them, with the `Authorization` header and JSON bodies; preflights are cached for 10 minutes.
 * No cookies are involved (the token is a bearer header), so credentials stay off. Throws a
 * `RangeError` naming the first entry that is not an origin.
 *
 * @example
 * const allow = subscriberCors(['https://crm.example.com']);
 * for (const path of subscriberRoutePaths) app.use(path, allow);
 */
export function subscriberCors(origins: readonly string[]): MiddlewareHandler {
  assertCorsOrigins(origins);
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: ['GET', 'POST', 'PUT'],
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    exposeHeaders: ['Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  });
}
