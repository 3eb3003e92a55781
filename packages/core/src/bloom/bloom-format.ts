import { CoreError } from '../core-error.js';
import { crc32 } from './crc32.js';

/**
 * Version 1: 512-bit blocks, the two-lane hash of `hash.ts` over UTF-8 bytes, multiply-shift
 * bit positions. Any change to how a key maps to bits needs a new version.
 */
export const FORMAT_VERSION = 1;

/** Bytes of the CRC-32 trailer that closes every frame. */
export const TRAILER_BYTES = 4;

/**
 * The envelope both filters serialise into: 4 ASCII magic bytes, a version byte, the
 * caller's fields, then a CRC-32 of everything before it, so a truncated, padded or bit-
 * flipped copy from Redis or SQLite is refused rather than answering wrongly.
 */
export function createFrame(magic: string, length: number): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < 4; i++) bytes[i] = magic.charCodeAt(i);
  bytes[4] = FORMAT_VERSION;
  return { bytes, view: new DataView(bytes.buffer) };
}

/** Writes the CRC-32 trailer; call once every other byte of the frame is in place. */
export function sealFrame(frame: { bytes: Uint8Array; view: DataView }): Uint8Array {
  const end = frame.bytes.length - TRAILER_BYTES;
  frame.view.setUint32(end, crc32(frame.bytes, 0, end), true);
  return frame.bytes;
}

/**
 * Checks a frame's type, length, magic, version and checksum, and returns a view on it.
 * Throws `INVALID_SERIALIZATION` naming what is wrong.
 */
export function openFrame(bytes: unknown, magic: string, headerBytes: number, what: string): DataView {
  if (!(bytes instanceof Uint8Array)) {
    throw new CoreError('INVALID_SERIALIZATION', `${what} bytes must be a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length < headerBytes + TRAILER_BYTES) {
    throw new CoreError(
      'INVALID_SERIALIZATION',
      `${what} bytes are too short: ${bytes.length} bytes, the header alone needs ${headerBytes + TRAILER_BYTES}`,
    );
  }
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== magic.charCodeAt(i)) {
      throw new CoreError('INVALID_SERIALIZATION', `not a serialised ${what}: wrong magic bytes`);
    }
  }
  if (bytes[4] !== FORMAT_VERSION) {
    throw new CoreError(
      'INVALID_SERIALIZATION',
      `unsupported ${what} format version ${String(bytes[4])}, expected ${FORMAT_VERSION}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - TRAILER_BYTES;
  if (view.getUint32(end, true) !== crc32(bytes, 0, end)) {
    throw new CoreError('INVALID_SERIALIZATION', `${what} bytes are corrupted: checksum mismatch`);
  }
  return view;
}

/** Runs `read`, turning an argument error about a decoded field into `INVALID_SERIALIZATION`. */
export function decoding<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CoreError && error.code === 'INVALID_ARGUMENT') {
      throw new CoreError('INVALID_SERIALIZATION', `${what} header is invalid: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
