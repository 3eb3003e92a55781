import { CoreError } from '../core-error.js';

function checkServers(servers: number): void {
  if (!(Number.isSafeInteger(servers) && servers >= 1)) {
    throw new CoreError('INVALID_ARGUMENT', `servers must be a positive integer, got ${servers}`);
  }
}

/**
 * Erlang B: the probability that an arrival finds all `servers` busy in a loss system
 * (M/M/c/c) offered `offeredLoad` = λ/μ erlangs.
 *
 * Uses the recursion B(k) = A·B(k−1) / (k + A·B(k−1)), which never forms A^c or c!, so it
 * stays exact to rounding for thousands of servers.
 *
 * @example
 * erlangB(2, 1); // 0.2
 */
export function erlangB(servers: number, offeredLoad: number): number {
  checkServers(servers);
  if (!(offeredLoad >= 0 && Number.isFinite(offeredLoad))) {
    throw new CoreError('INVALID_ARGUMENT', `offeredLoad must be a finite number ≥ 0, got ${offeredLoad}`);
  }
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

/**
 * Erlang C: the probability that an arrival must wait in an M/M/c queue with `servers`
 * servers offered `offeredLoad` = λ/μ erlangs; from Erlang B as C = B / (1 − ρ(1 − B)),
 * ρ = A/c. Throws `UNSTABLE_SYSTEM` when A ≥ c (the queue grows without bound).
 *
 * @example
 * erlangC(3, 2); // 0.444… (λ = 2/s, μ = 1/s per server, 3 servers)
 */
export function erlangC(servers: number, offeredLoad: number): number {
  const b = erlangB(servers, offeredLoad);
  const utilisation = offeredLoad / servers;
  if (utilisation >= 1) {
    throw new CoreError(
      'UNSTABLE_SYSTEM',
      `offered load ${offeredLoad} erlangs ≥ ${servers} servers (utilisation ${utilisation}): the queue grows without bound`,
    );
  }
  return b / (1 - utilisation * (1 - b));
}
