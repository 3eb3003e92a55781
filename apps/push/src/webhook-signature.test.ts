import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec-test-0123456789';
  const body = '{"type":"notification"}';
  const now = 1_893_456_000_000;
  const timestamp = now / 1000;

  it('is the HMAC-SHA256 of timestamp.body', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signWebhook(secret, timestamp, body)).toBe(`v1=${expected}`);
  });

  it('verifies its own signature and refuses tampering, another key, and stale timestamps', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhook(secret, timestamp, body, signature, { now })).toBe(true);
    expect(verifyWebhook(secret, timestamp, `${body} `, signature, { now })).toBe(false);
    expect(verifyWebhook('another-secret-012345', timestamp, body, signature, { now })).toBe(false);
    expect(verifyWebhook(secret, timestamp, body, signature, { now: now + 301_000 })).toBe(false);
    expect(verifyWebhook(secret, timestamp, body, 'v1=short', { now })).toBe(false);
  });
});
