import { apiVersions, type ApiVersionRange } from '../api-versions.js';
import { ErrorCode } from '../error-code.js';
import type { RequestHeader } from '../broker-context.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * ApiVersions v0–3: the registry's ranges. v3 is flexible (librdkafka starts there);
 * its body fields, the client's software name and version, are not needed.
 *
 * @example
 * handleApiVersions(body, { apiVersion: 3, ... }); // compact array of 14 ranges
 */
export function handleApiVersions(_body: ProtocolReader, header: RequestHeader): ProtocolWriter {
  const writer = new ProtocolWriter().int16(ErrorCode.NONE);
  if (header.apiVersion >= 3) {
    return writer
      .compactArray(apiVersions, (w, api) => writeRange(w, api).taggedFields())
      .int32(0)
      .taggedFields();
  }
  writer.array(apiVersions, writeRange);
  return header.apiVersion >= 1 ? writer.int32(0) : writer;
}

/**
 * The answer to an ApiVersions request newer than the broker knows: a v0 body with
 * UNSUPPORTED_VERSION and the ranges, from which the client retries with a version
 * both sides speak.
 *
 * @example
 * unsupportedApiVersions(); // error 35 + ranges, encoded as v0
 */
export function unsupportedApiVersions(): ProtocolWriter {
  return new ProtocolWriter().int16(ErrorCode.UNSUPPORTED_VERSION).array(apiVersions, writeRange);
}

function writeRange(writer: ProtocolWriter, api: ApiVersionRange): ProtocolWriter {
  return writer.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion);
}
