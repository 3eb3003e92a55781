import type { BrokerContext, RequestHeader } from '../broker-context.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * Heartbeat v0–3: resets the member's session timer, and answers REBALANCE_IN_PROGRESS
 * while the group rebalances (that is how kafkajs learns it must rejoin).
 *
 * @example
 * handleHeartbeat(body, { apiVersion: 3, ... }, broker); // error 0, 22, 25 or 27
 */
export function handleHeartbeat(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  const errorCode = broker.groups.heartbeat(groupId, generationId, memberId);
  const writer = new ProtocolWriter();
  if (header.apiVersion >= 1) writer.int32(0);
  return writer.int16(errorCode);
}
