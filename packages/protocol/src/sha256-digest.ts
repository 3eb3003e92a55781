import { sha256 } from '@noble/hashes/sha2.js';

/** SHA-256 of a string's UTF-8 bytes. */
export type Sha256 = (input: string) => Uint8Array;

const encoder = new TextEncoder();

/** The portable digest (@noble/hashes): synchronous in browsers too, where WebCrypto's is async. */
export const portableSha256: Sha256 = (input) => sha256(encoder.encode(input));

interface NodeCrypto {
  hash(algorithm: string, data: string, outputEncoding: 'buffer'): Uint8Array;
}

/**
 * Node's one-shot `crypto.hash`, where the runtime has it (Node ≥ 20.16 with
 * `process.getBuiltinModule`), else `undefined`. Looked up at run time rather than imported, so
 * browser bundles neither include nor miss `node:crypto`. About 0.3 µs an id against 2.5 for
 * the portable digest, and ids are derived for every notification and reminder.
 */
export const nativeSha256: Sha256 | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
  if (typeof crypto?.hash !== 'function') return undefined;
  const node = crypto as NodeCrypto;
  return (input) => node.hash('sha256', input, 'buffer');
})();

/** The digest ids are derived with: the same bytes either way, the faster one where it exists. */
export const sha256Digest: Sha256 = nativeSha256 ?? portableSha256;
