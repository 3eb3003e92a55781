import Database from 'better-sqlite3';
import { StoreError, type StoreErrorCode } from './store-error.js';

function codeFor(sqliteCode: string): StoreErrorCode {
  if (sqliteCode.startsWith('SQLITE_BUSY') || sqliteCode.startsWith('SQLITE_LOCKED')) return 'BUSY';
  if (sqliteCode.startsWith('SQLITE_CORRUPT') || sqliteCode === 'SQLITE_NOTADB') return 'CORRUPT';
  if (sqliteCode === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'NOT_FOUND';
  if (
    sqliteCode === 'SQLITE_CONSTRAINT_CHECK' ||
    sqliteCode === 'SQLITE_CONSTRAINT_NOTNULL' ||
    sqliteCode === 'SQLITE_MISMATCH' ||
    sqliteCode === 'SQLITE_RANGE' ||
    sqliteCode === 'SQLITE_TOOBIG'
  ) {
    return 'INVALID_ARGUMENT';
  }
  return 'QUERY_FAILED';
}

const hints: Partial<Record<StoreErrorCode, string>> = {
  NOT_FOUND: ': a row it refers to (the tenant, or for a delivery the notification) does not exist',
  BUSY: ': the database stayed locked by another connection for longer than busyTimeoutMs',
  CORRUPT: ': the database file is damaged or is not a SQLite database',
};

/** Turns what better-sqlite3 throws into a `StoreError` naming the operation; leaves other errors alone. */
export function translateError(error: unknown, operation: string): unknown {
  if (StoreError.isInstance(error)) return error;
  if (error instanceof Database.SqliteError) {
    const code = codeFor(error.code);
    return new StoreError(code, `${operation} failed${hints[code] ?? ''} (${error.code}: ${error.message})`, {
      cause: error,
    });
  }
  if (error instanceof TypeError && error.message.includes('connection is not open')) {
    return new StoreError('CLOSED', `${operation}: the store is closed`, { cause: error });
  }
  return error;
}
