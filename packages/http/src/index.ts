export { apiKeyAuth, type ApiKeyEnv } from './api-key-auth.js';
export { ErrorResponse } from './error-response.js';
export { findTooDeep } from './find-too-deep.js';
export { parseEnv, type ParsedEnv } from './parse-env.js';
export { failingChecks, probeDependencies, type ProbeTargets } from './probe-dependencies.js';
export { closeServer, stopOnSignals, type ClosableServer, type ShutdownLogger } from './stop-on-signals.js';
export { limitBody } from './limit-body.js';
export { answerErrorsAsJson, type ErrorLogger } from './json-errors.js';
export { readJsonBody } from './read-json-body.js';
export { nodeRequest, requestHeader, requestText } from './node-request.js';
export { RequestGate } from './request-gate.js';
export {
  createAppHousekeeper,
  housekeepingSettings,
  type AppHousekeeperOptions,
  type HousekeepingLogger,
  type HousekeepingSettings,
} from './app-housekeeper.js';
