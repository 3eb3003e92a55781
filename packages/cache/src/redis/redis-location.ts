import type { Redis } from 'ioredis';

/** Where a Redis is, for error messages: scheme, host, port and database, never credentials. */
export function redisLocation(target: URL | Redis): string {
  if (target instanceof URL) {
    const port = target.port === '' ? '6379' : target.port;
    const database = target.pathname.length > 1 ? target.pathname : '';
    return `${target.protocol}//${target.hostname || 'localhost'}:${port}${database}`;
  }
  const { host, port, path, db, tls } = target.options;
  if (path !== undefined && path !== null && path !== '') return `unix:${path}`;
  return `${tls === undefined ? 'redis' : 'rediss'}://${host ?? '127.0.0.1'}:${port ?? 6379}${db ? `/${db}` : ''}`;
}
