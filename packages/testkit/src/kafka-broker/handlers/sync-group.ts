import type { BrokerContext, RequestHeader } from '../broker-context.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * SyncGroup v0–3. Followers wait for the leader, whose assignments release everyone.
 *
 * @example
 * handleSyncGroup(body, { apiVersion: 3, ... }, broker); // resolves with the member's assignment
 */
export async function handleSyncGroup(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): Promise<ProtocolWriter> {
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  if (header.apiVersion >= 3) body.nullableString();
  const assignments = body.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));

  const result = await broker.groups.sync({ groupId, generationId, memberId, assignments });
  const writer = new ProtocolWriter();
  if (header.apiVersion >= 1) writer.int32(0);
  return writer.int16(result.errorCode).bytes(result.assignment);
}
