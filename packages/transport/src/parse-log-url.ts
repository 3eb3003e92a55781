import { TransportError } from './transport-error.js';

/** A log URL taken apart. */
export type LogLocation =
  | { driver: 'memory'; params: URLSearchParams }
  | { driver: 'sqlite'; path: string; params: URLSearchParams }
  | { driver: 'kafka'; brokers: string[]; params: URLSearchParams };

const examples = 'sqlite:./data/herald.db, memory:, kafka://broker1:9092,broker2:9092';

/**
 * Reads a log URL: `sqlite:<path>` (`sqlite:./data/herald.db`, `sqlite:///var/lib/herald.db`,
 * `sqlite::memory:`), `memory:`, or `kafka://host:port[,host:port…]`, each with optional
 * `?name=value` settings.
 *
 * @example
 * parseLogUrl('kafka://k1:9092,k2:9092?clientId=ingest') // { driver: 'kafka', brokers: ['k1:9092', 'k2:9092'], … }
 */
export function parseLogUrl(url: string): LogLocation {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new TransportError('INVALID_URL', `The log URL is empty. Use one of: ${examples}.`);
  }
  const colon = url.indexOf(':');
  const scheme = colon < 0 ? '' : url.slice(0, colon).toLowerCase();
  const rest = colon < 0 ? url : url.slice(colon + 1);
  const question = rest.indexOf('?');
  const location = question < 0 ? rest : rest.slice(0, question);
  const params = new URLSearchParams(question < 0 ? '' : rest.slice(question + 1));
  switch (scheme) {
    case 'memory':
      return { driver: 'memory', params };
    case 'sqlite': {
      const path = location.startsWith('//') ? location.slice(2) : location;
      if (path === '')
        throw new TransportError(
          'INVALID_URL',
          `The log URL ${url} names no file: try sqlite:./data/herald.db.`,
        );
      return { driver: 'sqlite', path, params };
    }
    case 'kafka': {
      const brokers = location
        .replace(/^\/\//, '')
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean);
      const bad = brokers.find((broker) => !/^[^\s:/]+:\d{1,5}$/.test(broker));
      if (brokers.length === 0 || bad !== undefined) {
        throw new TransportError(
          'INVALID_URL',
          `The log URL ${url} needs brokers as host:port${bad ? ` (got ${JSON.stringify(bad)})` : ''}: try kafka://localhost:9092.`,
        );
      }
      return { driver: 'kafka', brokers, params };
    }
    default:
      throw new TransportError(
        'INVALID_URL',
        `The log URL ${JSON.stringify(url)} has an unknown scheme${scheme ? ` "${scheme}:"` : ''}. Use one of: ${examples}.`,
      );
  }
}
