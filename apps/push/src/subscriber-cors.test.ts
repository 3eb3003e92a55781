import { describe, expect, it } from 'vitest';
import { corsOriginProblem, readCorsOrigins } from './subscriber-cors.js';

describe('corsOriginProblem', () => {
  it('takes * and origins as browsers send them', () => {
    for (const origin of ['*', 'https://crm.example.com', 'http://localhost:5173', 'http://127.0.0.1:8080']) {
      expect(corsOriginProblem(origin), origin).toBeUndefined();
    }
  });

  it('says what is wrong with anything else, and how the origin is written', () => {
    expect(corsOriginProblem('crm.example.com')).toBe('is not a URL: an origin is scheme://host[:port]');
    expect(corsOriginProblem('ftp://crm.example.com')).toBe('is not http or https');
    expect(corsOriginProblem('https://crm.example.com/app')).toBe(
      'has a path: an origin is scheme://host[:port]',
    );
    expect(corsOriginProblem('https://crm.example.com?x=1')).toBe(
      'has a path: an origin is scheme://host[:port]',
    );
    expect(corsOriginProblem('https://crm.example.com/')).toBe(
      'is not written as an origin: https://crm.example.com',
    );
    expect(corsOriginProblem('https://crm.example.com:443')).toBe(
      'is not written as an origin: https://crm.example.com',
    );
    expect(corsOriginProblem('HTTPS://CRM.example.com')).toBe(
      'is not written as an origin: https://crm.example.com',
    );
  });
});

describe('readCorsOrigins', () => {
  it('splits a comma-separated list, trimming and skipping empty entries', () => {
    expect(readCorsOrigins(' https://a.example , http://localhost:5173,,')).toEqual({
      origins: ['https://a.example', 'http://localhost:5173'],
    });
    expect(readCorsOrigins('')).toEqual({ origins: [] });
  });

  it('names the first entry that is not an origin', () => {
    expect(readCorsOrigins('https://a.example,b.example')).toEqual({
      problem: 'b.example is not a URL: an origin is scheme://host[:port]',
    });
  });
});
