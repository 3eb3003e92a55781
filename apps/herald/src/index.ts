export { ensureDevCredentials, readDevCredentials, type DevCredentials } from './dev-credentials.js';
export { runLoad, type LoadOptions, type LoadResult, type LoadTarget } from './run-load.js';
export { startHerald, type RunningHerald, type StartOptions } from './start-herald.js';
