import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * LeaveGroup v0–3: removes the member(s) and rebalances the rest. v3 takes a list of
 * members and answers an error per member.
 *
 * @example
 * await consumer.disconnect(); // kafkajs leaves the group through this handler
 */
export function handleLeaveGroup(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const groupId = body.string();
  const writer = new ProtocolWriter();
  if (header.apiVersion < 3) {
    const errorCode = broker.groups.leave(groupId, body.string());
    if (header.apiVersion >= 1) writer.int32(0);
    return writer.int16(errorCode);
  }
  const members = body.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
  return writer
    .int32(0)
    .int16(ErrorCode.NONE)
    .array(members, (w, member) =>
      w
        .string(member.memberId)
        .nullableString(member.groupInstanceId)
        .int16(broker.groups.leave(groupId, member.memberId)),
    );
}
