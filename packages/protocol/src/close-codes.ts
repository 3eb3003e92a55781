/** The WebSocket close codes Herald's gateway uses, by name. 1xxx are the standard ones. */
export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  internalError: 1011,
  invalidFrame: 4000,
  unauthorized: 4001,
  tokenExpired: 4002,
  forbidden: 4003,
  helloTimeout: 4004,
  tooSlow: 4008,
  replaced: 4009,
  shuttingDown: 4010,
  rateLimited: 4029,
} as const;

/** A close code's name. */
export type CloseCodeName = keyof typeof closeCodes;

/** A close code Herald sends. */
export type CloseCode = (typeof closeCodes)[CloseCodeName];

/** What a client should know about each close code. */
export interface CloseCodeInfo {
  name: CloseCodeName;
  /** The close reason the gateway sends (at most 123 bytes, as WebSocket requires). */
  reason: string;
  /** Whether reconnecting (with the last seen `seq`, to resume) can succeed. */
  reconnect: boolean;
  /** Whether the client needs a fresh token before reconnecting. */
  refreshToken: boolean;
}

const info: Record<CloseCode, Omit<CloseCodeInfo, 'name'>> = {
  1000: { reason: 'closed', reconnect: false, refreshToken: false },
  1001: { reason: 'going away', reconnect: true, refreshToken: false },
  1011: { reason: 'internal error', reconnect: true, refreshToken: false },
  4000: { reason: 'invalid frame', reconnect: false, refreshToken: false },
  4001: { reason: 'unauthorized: missing or invalid token', reconnect: false, refreshToken: true },
  4002: { reason: 'token expired', reconnect: true, refreshToken: true },
  4003: { reason: 'forbidden: the token does not reach this inbox', reconnect: false, refreshToken: false },
  4004: { reason: 'no hello in time', reconnect: true, refreshToken: false },
  4008: { reason: 'too slow: reconnect and resume from the last seq', reconnect: true, refreshToken: false },
  4009: { reason: 'replaced by a newer connection', reconnect: false, refreshToken: false },
  4010: { reason: 'server shutting down: reconnect and resume', reconnect: true, refreshToken: false },
  4029: { reason: 'rate limited: too many frames', reconnect: true, refreshToken: false },
};

const names = new Map<number, CloseCodeName>(
  Object.entries(closeCodes).map(([name, code]) => [code, name as CloseCodeName]),
);

/**
 * What a close code means, or `undefined` for one Herald does not send (treat as reconnectable).
 *
 * @example
 * closeCodeInfo(4008) // { name: 'tooSlow', reason: 'too slow: …', reconnect: true, refreshToken: false }
 */
export function closeCodeInfo(code: number): CloseCodeInfo | undefined {
  const name = names.get(code);
  if (name === undefined) return undefined;
  return { name, ...info[code as CloseCode] };
}
