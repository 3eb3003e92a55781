import { describe, expect, test } from 'vitest';
import { apiVersions, findApi } from './api-versions.js';

describe('apiVersions registry', () => {
  test('stays below every first flexible version except ApiVersions v3', () => {
    for (const api of apiVersions) {
      if (api.name === 'ApiVersions') expect(api.maxVersion).toBe(api.firstFlexibleVersion);
      else expect(api.maxVersion, api.name).toBeLessThan(api.firstFlexibleVersion);
    }
  });

  test('contains the versions librdkafka needs to enable its features', () => {
    expect(findApi(0)?.minVersion).toBeLessThanOrEqual(3);
    expect(findApi(1)).toMatchObject({ minVersion: 4 });
    expect(findApi(2)?.minVersion).toBeLessThanOrEqual(1);
    for (const key of [11, 12, 13, 14]) expect(findApi(key)?.minVersion).toBe(0);
  });

  test('has one entry per API key', () => {
    const keys = apiVersions.map((api) => api.apiKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(findApi(4)).toBeUndefined();
  });
});
