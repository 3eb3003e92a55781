import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `Herald-Signature` header value of a webhook body: `v1=` and the hex HMAC-SHA256, keyed
 * with the endpoint's secret, of `<timestamp>.<body>` (the timestamp is the `Herald-Timestamp`
 * header, in Unix seconds, so a replayed request can be refused by age).
 *
 * @example
 * signWebhook('whsec_…', 1_893_456_000, '{"type":"notification",…}') // 'v1=5f2c…'
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * True when `signature` is the `Herald-Signature` of `body` at `timestamp` and the timestamp is
 * within `toleranceSeconds` of `now` — what a receiver checks before trusting a webhook.
 *
 * @example
 * verifyWebhook(secret, Number(req.headers['herald-timestamp']), rawBody, req.headers['herald-signature'])
 */
export function verifyWebhook(
  secret: string,
  timestamp: number,
  body: string,
  signature: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > tolerance) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
