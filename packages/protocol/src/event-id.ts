import { z } from 'zod';

/** The characters and length of every event id, client-provided or generated. */
export const eventIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** An event id: 1–128 characters of `A–Z a–z 0–9 . _ : -`. */
export const eventIdSchema = z
  .string()
  .regex(eventIdPattern, { message: 'invalid id (expected 1–128 characters of A-Z a-z 0-9 . _ : -)' })
  .meta({
    description: 'An idempotency id: 1–128 characters of `A-Z a-z 0-9 . _ : -`.',
    examples: ['crm-evt-8812'],
  });

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds then 74 random bits, so ids sort by
 * creation time. Uses `crypto.getRandomValues` (Node.js and browsers).
 *
 * @example
 * generateEventId() // '01934f6a-7b2c-7d3e-9f40-0a1b2c3d4e5f'
 */
export function generateEventId(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
