/**
 * SQLite failures a user can act on, as AppErrors naming the project file.
 * Only the database module and this file see better-sqlite3's error class.
 */
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors.js';

/** How long a statement waits for another process's write to finish before giving up (PRAGMA busy_timeout). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Turn SQLite failures a user can act on into AppErrors naming the project
 * file: "database is locked" (SQLITE_BUSY / SQLITE_LOCKED and their extended
 * codes: another process kept the project's write lock longer than
 * BUSY_TIMEOUT_MS) becomes AppError('project-in-use'); a damaged file
 * (SQLITE_CORRUPT, SQLITE_NOTADB) becomes AppError('not-a-project'). Any other
 * error is returned unchanged. Used by ProjectStore.open and .transaction and
 * at the boundaries that report errors (service, job worker, CLI).
 */
export function mapStoreError(e: unknown, projectPath: string | null): unknown {
  const code = e instanceof Database.SqliteError ? e.code : null;
  const file = projectPath ?? 'the project';
  if (code === null) return e;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError(
      'project-in-use',
      `${file} is in use by another process that has been writing to it for longer than ${BUSY_TIMEOUT_MS / 1000} seconds; wait for it to finish, or close the other Novelty Labeler window or command, then try again`,
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AppError('not-a-project', `${file} is damaged (SQLite: ${(e as Error).message}); restore it from a backup copy, it cannot be used as it is`, {
      cause: e,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AppError(
      'forbidden',
      `${file} cannot be written (it, its folder or its -wal/-shm file is read-only); this step needs to write: make them writable (e.g. chmod u+w), or work on a copy. Read-only commands (status, next, export) work as it is`,
      { cause: e },
    );
  }
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_SHMSIZE') {
    return new AppError(
      'invalid-file',
      `disk full (or a write error) while saving to ${file}; nothing of this step was saved: free some disk space and try again`,
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new AppError('invalid-file', `${file} could not be read or written (SQLite: ${(e as Error).message}); check the disk and the file, then try again`, {
      cause: e,
    });
  }
  const m = /no such (table|column): (\S+)/.exec((e as Error).message);
  if (m) {
    return new AppError(
      'not-a-project',
      `${file} lacks the ${m[1]} "${m[2]}" every Novelty Labeler project has (was it edited by another tool?); restore it from a backup copy`,
      { cause: e },
    );
  }
  return e;
}
