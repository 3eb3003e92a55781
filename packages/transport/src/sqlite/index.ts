export { createSqliteLog, type SqliteLogOptions } from './create-sqlite-log.js';
