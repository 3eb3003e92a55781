import { findApi, type ApiName } from './api-versions.js';
import type { BrokerContext, RequestHandler } from './broker-context.js';
import { handleApiVersions, unsupportedApiVersions } from './handlers/api-versions.js';
import { handleCreateTopics } from './handlers/create-topics.js';
import { handleFetch } from './handlers/fetch.js';
import { handleFindCoordinator } from './handlers/find-coordinator.js';
import { handleHeartbeat } from './handlers/heartbeat.js';
import { handleInitProducerId } from './handlers/init-producer-id.js';
import { handleJoinGroup } from './handlers/join-group.js';
import { handleLeaveGroup } from './handlers/leave-group.js';
import { handleListOffsets } from './handlers/list-offsets.js';
import { handleMetadata } from './handlers/metadata.js';
import { handleOffsetCommit } from './handlers/offset-commit.js';
import { handleOffsetFetch } from './handlers/offset-fetch.js';
import { handleProduce } from './handlers/produce.js';
import { handleSyncGroup } from './handlers/sync-group.js';
import { ProtocolReader } from './protocol-reader.js';
import type { ProtocolWriter } from './protocol-writer.js';

/** Typed by the registry, so an advertised API without a handler does not compile. */
const handlers: Record<ApiName, RequestHandler> = {
  Produce: handleProduce,
  Fetch: handleFetch,
  ListOffsets: handleListOffsets,
  Metadata: handleMetadata,
  OffsetCommit: handleOffsetCommit,
  OffsetFetch: handleOffsetFetch,
  FindCoordinator: handleFindCoordinator,
  JoinGroup: handleJoinGroup,
  Heartbeat: handleHeartbeat,
  LeaveGroup: handleLeaveGroup,
  SyncGroup: handleSyncGroup,
  ApiVersions: handleApiVersions,
  CreateTopics: handleCreateTopics,
  InitProducerId: handleInitProducerId,
};

const API_VERSIONS_KEY = 18;

/**
 * Decodes one request frame (without its size prefix), runs its handler and returns the
 * size-prefixed response, or `undefined` when the request gets none. Throws for an API or
 * version outside the registry; the connection is then closed, as Kafka does.
 *
 * @example
 * const response = await routeRequest(frame, broker);
 * if (response) socket.write(response);
 */
export async function routeRequest(frame: Buffer, broker: BrokerContext): Promise<Buffer | undefined> {
  const reader = new ProtocolReader(frame);
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const api = findApi(apiKey);
  if (!api) throw new RangeError(`unsupported API key ${apiKey}`);
  if (apiKey === API_VERSIONS_KEY && apiVersion > api.maxVersion) {
    return frameResponse(correlationId, unsupportedApiVersions());
  }
  if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    throw new RangeError(`unsupported ${api.name} version ${apiVersion}`);
  }
  const clientId = reader.nullableString();
  if (apiVersion >= api.firstFlexibleVersion) reader.taggedFields();

  broker.logger.debug('request', { api: api.name, apiVersion, correlationId, clientId });
  const body = await handlers[api.name](reader, { apiKey, apiVersion, correlationId, clientId }, broker);
  return body && frameResponse(correlationId, body);
}

/**
 * Response header v0 (the correlation id) for every API: the only flexible version
 * served is ApiVersions v3, whose response header stays v0 so that clients can read it
 * before they know what the broker speaks.
 */
function frameResponse(correlationId: number, body: ProtocolWriter): Buffer {
  const bytes = body.toBuffer();
  const response = Buffer.allocUnsafe(8 + bytes.length);
  response.writeInt32BE(4 + bytes.length, 0);
  response.writeInt32BE(correlationId, 4);
  bytes.copy(response, 8);
  return response;
}
