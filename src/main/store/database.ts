/**
 * The project database: one SQLite file (better-sqlite3, WAL) opened,
 * migrated and closed here, and the only place that holds its connection.
 * The concept stores (settings, folders, images, labels, models, embeddings,
 * orders, curve) receive a ProjectDatabase and run their SQL through it; the
 * connection itself never leaves src/main/store.
 *
 * Every write that must survive a crash is one transaction; a label is
 * durable when its INSERT returns (WAL + synchronous=FULL).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { AppError } from '../../shared/errors.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { BUSY_TIMEOUT_MS, mapStoreError } from './database-errors.js';
import { assertProjectFile, removeStaleCreations, writeNewProjectFile } from './project-file.js';

export type Statement = Database.Statement;

export class ProjectDatabase {
  /** The project file (for a read-only copy: the original's path, which messages name). */
  readonly path: string;
  readonly #sqlite: Database.Database;
  /** Folder of the private copy a read-only database reads (openReadOnlyCopy), removed on close. */
  #tempCopy: string | null = null;
  /** Prepared statements of the hot paths (queue, counts), by SQL text. */
  readonly #statements = new Map<string, Statement>();

  private constructor(path: string, sqlite: Database.Database) {
    this.path = path;
    this.#sqlite = sqlite;
  }

  /**
   * Write a new project file at the current schema version with these meta
   * rows (settings, creation time). The caller has checked that `path` does
   * not exist and that the settings are valid.
   */
  static create(path: string, meta: readonly (readonly [string, string])[]): void {
    // Built in memory and written as one file (temp file + fsync + hard link), so a crash
    // or kill -9 during creation never leaves a project without its settings, nor a
    // journal; a temp file left by a killed process is removed by the next create.
    removeStaleCreations(path);
    let bytes: Buffer;
    const db = new Database(':memory:');
    try {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.transaction(() => {
        for (let v = 0; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
        for (const [key, value] of meta) db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run(key, value);
      })();
      bytes = db.serialize();
    } finally {
      db.close();
    }
    writeNewProjectFile(path, bytes);
  }

  /**
   * Open an existing project, migrating an older schema.
   * @throws AppError('not-found' | 'not-a-project' | 'project-too-new')
   */
  static open(path: string, options: { readonly readonly?: boolean } = {}): ProjectDatabase {
    assertProjectFile(path);
    // A project this process may not write is opened read-only, so reading commands (status,
    // next, export) work; a write then fails with a clear message (mapStoreError).
    let readonly = options.readonly ?? false;
    if (!readonly) {
      try {
        fs.accessSync(path, fs.constants.W_OK);
      } catch {
        readonly = true;
      }
    }
    let sqlite: Database.Database;
    try {
      sqlite = new Database(path, { readonly, fileMustExist: true });
    } catch (e) {
      throw mapStoreError(e, path);
    }
    let db = new ProjectDatabase(path, sqlite);
    try {
      try {
        db.configure();
        sqlite.pragma('user_version', { simple: true });
      } catch (e) {
        // SQLite cannot read a WAL-mode file read-only when its folder is read-only too
        // (no -shm can be made): read a private copy instead.
        // (SQLite says CANTOPEN or READONLY_DIRECTORY, by version).
        if (!readonly || !(e instanceof Database.SqliteError) || !(e.code === 'SQLITE_CANTOPEN' || e.code.startsWith('SQLITE_READONLY'))) throw e;
        sqlite.close();
        db = ProjectDatabase.openReadOnlyCopy(path);
        sqlite = db.#sqlite;
      }
      const version = sqlite.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new AppError(
          'project-too-new',
          `${path} uses project schema version ${version}, newer than this Novelty Labeler understands (${SCHEMA_VERSION}); update the app to open it`,
        );
      }
      if (version < SCHEMA_VERSION && !readonly) db.migrate();
      if (version < SCHEMA_VERSION && readonly && db.#tempCopy === null) {
        // An older project opened read-only: the reading code expects this version's tables, so it
        // reads a private copy migrated in the temp folder; the project file itself is not touched.
        sqlite.close();
        db = ProjectDatabase.openReadOnlyCopy(path);
        sqlite = db.#sqlite;
      }
    } catch (e) {
      sqlite.close();
      throw mapStoreError(e, path);
    }
    return db;
  }

  /** A read-only database on a copy (in the temp folder) of `path` and its -wal; the copy is removed on close. */
  private static openReadOnlyCopy(path: string): ProjectDatabase {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'nl-readonly-'));
    const copy = nodePath.join(dir, 'project.nlproj');
    try {
      fs.copyFileSync(path, copy);
      if (fs.existsSync(`${path}-wal`)) fs.copyFileSync(`${path}-wal`, `${copy}-wal`);
      const sqlite = new Database(copy, { fileMustExist: true });
      const db = new ProjectDatabase(path, sqlite);
      db.#tempCopy = dir;
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const version = sqlite.pragma('user_version', { simple: true }) as number;
      if (version < SCHEMA_VERSION) db.migrate();
      sqlite.pragma('query_only = ON');
      return db;
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private configure(): void {
    this.#sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!this.#sqlite.readonly) {
      this.#sqlite.pragma('journal_mode = WAL');
      this.#sqlite.pragma('synchronous = FULL');
    }
    this.#sqlite.pragma('foreign_keys = ON');
  }

  private migrate(): void {
    const db = this.#sqlite;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    // A migration that rebuilds a table drops the parent of foreign keys, which SQLite
    // counts as violations even once the rebuilt table is back under its name; so keys
    // are off while migrating (the pragma is ignored inside a transaction) and every
    // reference is checked before each migration commits.
    db.pragma('foreign_keys = OFF');
    try {
      for (let v = version; v < SCHEMA_VERSION; v++) {
        db.transaction(() => {
          // Another process may have run this migration while we waited for the write lock.
          if ((db.pragma('user_version', { simple: true }) as number) > v) return;
          db.exec(MIGRATIONS[v]!);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0)
            throw new Error(`migration to schema version ${v + 1} would leave ${broken.length} broken references; the project was left at version ${v}`);
          db.pragma(`user_version = ${v + 1}`);
        }).immediate();
      }
    } finally {
      db.pragma('foreign_keys = ON');
    }
  }

  close(): void {
    if (this.#sqlite.open) this.#sqlite.close();
    if (this.#tempCopy !== null) fs.rmSync(this.#tempCopy, { recursive: true, force: true });
    this.#tempCopy = null;
  }

  /** Whether the connection is read-only (a project this process may not write, or opened so). */
  get readonly(): boolean {
    return this.#sqlite.readonly;
  }

  /** A statement prepared now (statements run once per call, or prepared once by the caller for a loop). */
  prepare(sql: string): Statement {
    return this.#sqlite.prepare(sql);
  }

  /** A prepared statement for sql, prepared once per database (the labeling loop's queries). */
  cached(sql: string): Statement {
    let st = this.#statements.get(sql);
    if (!st) {
      st = this.#sqlite.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  exec(sql: string): void {
    this.#sqlite.exec(sql);
  }

  /** Run a PRAGMA; `simple` returns the first column of the first row. */
  pragma(source: string, options?: { readonly simple?: boolean }): unknown {
    return this.#sqlite.pragma(source, options);
  }

  /**
   * Run fn in one transaction (all or nothing). BEGIN IMMEDIATE: the write
   * lock is taken (waiting up to BUSY_TIMEOUT_MS for another process) before
   * fn reads anything, so a transaction that reads then writes never fails
   * with SQLITE_BUSY when another process wrote in between.
   * @throws AppError('project-in-use') when another process holds the lock too long.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#sqlite.transaction(fn).immediate();
    } catch (e) {
      throw mapStoreError(e, this.path);
    }
  }
}
