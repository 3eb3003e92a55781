export { apiKeyAuth, type ApiKeyEnv } from './api-key-auth.js';
export { ErrorResponse } from './error-response.js';
export { findTooDeep } from './find-too-deep.js';
export { parseEnv, type ParsedEnv } from './parse-env.js';
export { closeServer, stopOnSignals, type ClosableServer, type ShutdownLogger } from './stop-on-signals.js';
export { limitBody } from './limit-body.js';
export { answerErrorsAsJson, type ErrorLogger } from './json-errors.js';
export { readJsonBody } from './read-json-body.js';
export { RequestGate } from './request-gate.js';
