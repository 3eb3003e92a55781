import type { BrokerContext, RequestHeader } from '../broker-context.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * JoinGroup v0–5. Waits until the rebalance completes; other connections go on
 * meanwhile. v4+ members without an id get MEMBER_ID_REQUIRED and a fresh id first.
 *
 * @example
 * await consumer.subscribe({ topics: ['orders'] }); await consumer.run({ eachMessage });
 */
export async function handleJoinGroup(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): Promise<ProtocolWriter> {
  const version = header.apiVersion;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  // v0 has no rebalance timeout; Kafka uses the session timeout in its place.
  const rebalanceTimeoutMs = version >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const groupInstanceId = version >= 5 ? body.nullableString() : null;
  const protocolType = body.string();
  const protocols = body.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

  const result = await broker.groups.join({
    groupId,
    memberId,
    groupInstanceId,
    clientId: header.clientId ?? '',
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
    requireKnownMemberId: version >= 4,
  });

  const writer = new ProtocolWriter();
  if (version >= 2) writer.int32(0);
  writer.int16(result.errorCode).int32(result.generationId).string(result.protocolName);
  return writer
    .string(result.leaderId)
    .string(result.memberId)
    .array(result.members, (w, member) => {
      w.string(member.memberId);
      if (version >= 5) w.nullableString(member.groupInstanceId);
      w.bytes(member.metadata);
    });
}
