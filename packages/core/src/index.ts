export { CoreError, type CoreErrorCode } from './core-error.js';
