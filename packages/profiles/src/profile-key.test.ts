import { describe, expect, it } from 'vitest';
import { profileKey } from './profile-key.js';

describe('profileKey', () => {
  it('is customer:{tenantId}:{id}', () => {
    expect(profileKey('acme', 'c-42')).toBe('customer:acme:c-42');
  });

  it('escapes colons and percent signs so that no two customers share a key', () => {
    expect(profileKey('a:b', 'c')).toBe('customer:a%3Ab:c');
    expect(profileKey('a', 'b:c')).toBe('customer:a:b%3Ac');
    expect(profileKey('a%3Ab', 'c')).toBe('customer:a%253Ab:c');
    const keys = [
      ['a:b', 'c'],
      ['a', 'b:c'],
      ['a%3Ab', 'c'],
      ['a', 'b%3Ac'],
    ].map(([tenant, id]) => profileKey(tenant!, id!));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
