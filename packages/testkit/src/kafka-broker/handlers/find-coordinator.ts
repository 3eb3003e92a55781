import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * FindCoordinator v0–2: the only broker coordinates every group (and transaction id).
 *
 * @example
 * handleFindCoordinator(body, { apiVersion: 2, ... }, broker); // node 0 at the broker's port
 */
export function handleFindCoordinator(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  body.string();
  if (header.apiVersion >= 1) body.int8();
  const writer = new ProtocolWriter();
  if (header.apiVersion >= 1) writer.int32(0).int16(ErrorCode.NONE).nullableString(null);
  else writer.int16(ErrorCode.NONE);
  return writer.int32(broker.nodeId).string(broker.host).int32(broker.port);
}
