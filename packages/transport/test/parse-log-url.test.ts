import { describe, expect, it } from 'vitest';
import { createEventLog, parseLogUrl, TransportError } from '@herald/transport';

describe('parseLogUrl', () => {
  it('reads each driver’s form', () => {
    expect(parseLogUrl('sqlite:./data/herald.db')).toMatchObject({
      driver: 'sqlite',
      path: './data/herald.db',
    });
    expect(parseLogUrl('sqlite:///var/lib/herald.db')).toMatchObject({
      driver: 'sqlite',
      path: '/var/lib/herald.db',
    });
    expect(parseLogUrl('sqlite::memory:')).toMatchObject({ driver: 'sqlite', path: ':memory:' });
    expect(parseLogUrl('memory:')).toMatchObject({ driver: 'memory' });
    const kafka = parseLogUrl('kafka://k1:9092,k2:9093?clientId=push');
    expect(kafka).toMatchObject({ driver: 'kafka', brokers: ['k1:9092', 'k2:9093'] });
    expect(kafka.params.get('clientId')).toBe('push');
  });

  it.each([
    ['', /empty/],
    ['postgres://db/herald', /unknown scheme "postgres:"/],
    ['./herald.db', /unknown scheme/],
    ['sqlite:', /names no file/],
    ['kafka://', /host:port/],
    ['kafka://broker', /host:port \(got "broker"\)/],
  ])('refuses %j with a message a person can act on', (url, message) => {
    let caught: unknown;
    try {
      parseLogUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(TransportError.isInstance(caught)).toBe(true);
    expect((caught as TransportError).code).toBe('INVALID_URL');
    expect((caught as Error).message).toMatch(message);
  });

  it('checks URL settings', async () => {
    await expect(createEventLog('memory:?partitions=zero')).rejects.toMatchObject({ code: 'INVALID_URL' });
    await expect(createEventLog('sqlite::memory:?synchronous=sometimes')).rejects.toMatchObject({
      code: 'INVALID_URL',
    });
    await expect(createEventLog('memory:?commitIntervalMs=-1')).rejects.toThrow(
      /commitIntervalMs=-1 must be an integer of at least 0/,
    );
    await expect(createEventLog('memory:?commitIntervalMs=')).rejects.toMatchObject({ code: 'INVALID_URL' });
    await using log = await createEventLog('memory:?partitions=3&commitIntervalMs=0');
    expect(log.driver).toBe('memory');
  });
});
