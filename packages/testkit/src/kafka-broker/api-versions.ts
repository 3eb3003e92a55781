/** One API the broker serves and the versions it advertises. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * The first version that uses the flexible (compact, tagged) encoding. Every range
   * but ApiVersions stays below it, so one encoding serves each API.
   */
  readonly firstFlexibleVersion: number;
}

/**
 * The one registry of supported APIs: ApiVersions answers from it, and the request
 * router refuses anything outside it. Clients pick versions from these ranges
 * (kafkajs: min of both maxima; librdkafka enables features by range membership).
 *
 * @example
 * findApi(18); // { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 3, ... }
 */
export const apiVersions = [
  { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 7, firstFlexibleVersion: 9 },
  { apiKey: 1, name: 'Fetch', minVersion: 4, maxVersion: 11, firstFlexibleVersion: 12 },
  { apiKey: 2, name: 'ListOffsets', minVersion: 1, maxVersion: 3, firstFlexibleVersion: 6 },
  { apiKey: 3, name: 'Metadata', minVersion: 1, maxVersion: 6, firstFlexibleVersion: 9 },
  { apiKey: 8, name: 'OffsetCommit', minVersion: 2, maxVersion: 5, firstFlexibleVersion: 8 },
  { apiKey: 9, name: 'OffsetFetch', minVersion: 1, maxVersion: 4, firstFlexibleVersion: 6 },
  { apiKey: 10, name: 'FindCoordinator', minVersion: 0, maxVersion: 2, firstFlexibleVersion: 3 },
  { apiKey: 11, name: 'JoinGroup', minVersion: 0, maxVersion: 5, firstFlexibleVersion: 6 },
  { apiKey: 12, name: 'Heartbeat', minVersion: 0, maxVersion: 3, firstFlexibleVersion: 4 },
  { apiKey: 13, name: 'LeaveGroup', minVersion: 0, maxVersion: 3, firstFlexibleVersion: 4 },
  { apiKey: 14, name: 'SyncGroup', minVersion: 0, maxVersion: 3, firstFlexibleVersion: 4 },
  { apiKey: 18, name: 'ApiVersions', minVersion: 0, maxVersion: 3, firstFlexibleVersion: 3 },
  { apiKey: 19, name: 'CreateTopics', minVersion: 0, maxVersion: 3, firstFlexibleVersion: 5 },
  { apiKey: 22, name: 'InitProducerId', minVersion: 0, maxVersion: 1, firstFlexibleVersion: 2 },
] as const satisfies readonly ApiVersionRange[];

/** The name of an API in the registry. */
export type ApiName = (typeof apiVersions)[number]['name'];

/**
 * The registry entry for an API key, or `undefined` when the broker does not serve it.
 *
 * @example
 * findApi(0)?.maxVersion; // 7
 */
export function findApi(apiKey: number): (typeof apiVersions)[number] | undefined {
  return apiVersions.find((api) => api.apiKey === apiKey);
}
