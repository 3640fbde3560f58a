/**
 * The project store: one SQLite file (better-sqlite3, WAL) holding images,
 * model inputs, embeddings, labels, orders, models and learning curves.
 * Image files stay where they are, referenced by absolute path and SHA-256.
 *
 * Every write that must survive a crash is one transaction; a label is
 * durable when addLabel returns (WAL + synchronous=FULL).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { AppError } from '../../shared/errors.js';
import { wrapDegrees, periodOf } from '../../shared/angle.js';
import type { Degrees } from '../../shared/angle.js';
import {
  DEFAULT_SETTINGS,
  type Arm,
  type CurvePoint,
  type CurvePointExtra,
  type CompareVerdictReport,
  type ImageId,
  type ImageRecord,
  type ImageStatus,
  type LabelId,
  type LabelRecord,
  type LabelValue,
  type ModelId,
  type OrderId,
  type ProjectSettings,
  type ProjectStatus,
  type QueueEntry,
  type ComputeBackend,
  type EmbeddingInfo,
  type FolderRole,
} from '../../shared/types.js';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { projectSettingsSchema } from './settings-schema.js';
import { writeTempFile } from '../io/guarded-write.js';

/** Remove `<project>.creating-<pid>` files (and any SQLite side files) left by a create whose process is gone. */
function removeStaleCreations(project: string): void {
  const dir = nodePath.dirname(project);
  const prefix = `${nodePath.basename(project)}.creating-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)(-journal|-wal|-shm)?$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) fs.rmSync(nodePath.join(dir, name), { force: true });
  }
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Order entries written or deleted per transaction by saveOrder (about 20-30 ms of write lock each). */
export const SAVE_ORDER_CHUNK = 2000;

/**
 * Pause between two of saveOrder's transactions, ms. SQLite's busy handler
 * retries a waiting writer after 1, 2, 5, 10, 15, 20, 25 ... ms; without a
 * pause the saver takes the lock back at once and a label waits through many
 * chunks (up to 0.7 s measured), with it the label gets the next gap.
 */
export const SAVE_ORDER_PAUSE_MS = 25;

const pauseCell = new Int32Array(new SharedArrayBuffer(4));
/** Block this thread for ms (saveOrder runs in a job's worker thread). */
function pause(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

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
    return new AppError(
      'not-a-project',
      `${file} is damaged (SQLite: ${(e as Error).message}); restore it from a backup copy, it cannot be used as it is`,
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AppError(
      'forbidden',
      `${file} cannot be written (it, its folder or its -wal/-shm file is read-only); this step needs to write: make them writable (e.g. chmod u+w), or work on a copy. Read-only commands (status, next, export) work as it is`,
      { cause: e },
    );
  }
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_SHMSIZE') {
    return new AppError('invalid-file', `disk full (or a write error) while saving to ${file}; nothing of this step was saved: free some disk space and try again`, { cause: e });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new AppError('invalid-file', `${file} could not be read or written (SQLite: ${(e as Error).message}); check the disk and the file, then try again`, { cause: e });
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

export interface NewImage {
  readonly folderId: number;
  readonly relPath: string;
  readonly absPath: string;
  readonly sha256: string | null;
  readonly sizeBytes: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly status: ImageStatus;
  readonly error: string | null;
  /** Model input, uint8, inputSize x inputSize x channels, row-major (HWC). */
  readonly modelInput: Uint8Array | null;
}

/** Embeddings of a set of images: row i of `data` (length dim) belongs to ids[i]. */
export interface EmbeddingMatrix {
  readonly setId: number;
  readonly ids: readonly ImageId[];
  readonly dim: number;
  /** Row-major N x dim. */
  readonly data: Float32Array;
}

export interface StoredModel {
  readonly id: ModelId;
  readonly kind: 'autoencoder' | 'contrastive' | 'orientation';
  readonly createdAt: string;
  readonly backend: string | null;
  readonly params: Record<string, unknown>;
  readonly topology: unknown;
  readonly weights: Uint8Array | null;
  readonly metrics: Record<string, unknown>;
}

export interface OrderEntryInput {
  readonly imageId: ImageId;
  readonly coverageRadius: number | null;
  readonly arm: Arm;
}

const COMPARE_VERDICT_KEY = 'compare_verdict';

/** A learning-curve point before it is stored (the store adds source and time). */
export type NewCurvePoint = Omit<CurvePoint, 'source' | 'createdAt'>;

interface ImageRow {
  id: number;
  rel_path: string;
  abs_path: string;
  sha256: string | null;
  width: number | null;
  height: number | null;
  status: ImageStatus;
  error: string | null;
  duplicate_of: number | null;
  in_test_split: number;
}

interface LabelRow {
  id: number;
  image_id: number;
  angle_deg: number | null;
  no_orientation: number;
  annotator: string;
  created_at: string;
  duration_ms: number | null;
  arm: string;
  source: string;
}

const now = (): string => new Date().toISOString();

/** Image columns without the model-input blob (cheap to list at 100k images). */
const IMAGE_COLUMNS = 'id, folder_id, rel_path, abs_path, sha256, size_bytes, width, height, status, error, duplicate_of, in_test_split';

function toImage(r: ImageRow): ImageRecord {
  return {
    id: r.id as ImageId,
    path: r.abs_path,
    relPath: r.rel_path,
    sha256: r.sha256,
    status: r.status,
    error: r.error,
    width: r.width,
    height: r.height,
    duplicateOf: r.duplicate_of as ImageId | null,
    inTestSplit: r.in_test_split === 1,
  };
}

function toLabel(r: LabelRow): LabelRecord {
  const value: LabelValue =
    r.no_orientation === 1 || r.angle_deg === null
      ? { kind: 'none' }
      : { kind: 'angle', angle: r.angle_deg as Degrees };
  return {
    id: r.id as LabelId,
    imageId: r.image_id as ImageId,
    value,
    annotator: r.annotator,
    createdAt: r.created_at,
    durationMs: r.duration_ms,
    arm: r.arm as Arm,
    source: r.source as LabelRecord['source'],
  };
}

/**
 * Check that a file is a Novelty Labeler project before opening it.
 * @throws AppError('not-a-project') naming the file when it is not SQLite or not ours.
 */
function assertProjectFile(path: string): void {
  let fd: number;
  if (fs.existsSync(path) && !fs.statSync(path).isFile()) {
    throw new AppError('not-a-project', `${path} is a folder, not a project file; give the .nlproj file (create one with "novelty-labeler init")`);
  }
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new AppError('not-found', `project file ${path} cannot be opened (${(e as Error).message}); check the path or create it with "novelty-labeler init ${path}"`);
  }
  try {
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new AppError('not-a-project', `${path} is not a Novelty Labeler project (not an SQLite file); create a project with "novelty-labeler init"`);
    }
    const appId = head.readUInt32BE(68);
    if (appId !== APPLICATION_ID) {
      throw new AppError(
        'not-a-project',
        `${path} is an SQLite database of another application (application id 0x${appId.toString(16)}), not a Novelty Labeler project; open a .nlproj file made by Novelty Labeler, or create one with "novelty-labeler init"`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

export class ProjectStore {
  readonly path: string;
  readonly db: Database.Database;
  private cachedSettings: ProjectSettings | null = null;
  private settingsVersion = -1;
  /** Folder of the private copy a read-only store reads (openReadOnlyCopy), removed on close. */
  private tempCopy: string | null = null;
  /** Prepared statements of the hot paths (queue, counts), by SQL text. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
  }

  /**
   * Create a new project file with the given settings.
   * @throws AppError('invalid-argument') when the file exists or a setting is out of range.
   */
  static create(path: string, settings: Partial<ProjectSettings> = {}): ProjectStore {
    if (fs.existsSync(path)) {
      throw new AppError('invalid-argument', `${path} already exists; open it, or choose another file name for the new project`);
    }
    const parsed = projectSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...settings });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('invalid-argument', `setting ${issue.path.join('.')}: ${issue.message}`);
    }
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
        db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('settings', JSON.stringify(parsed.data));
        db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)').run('created_at', now());
      })();
      bytes = db.serialize();
    } finally {
      db.close();
    }
    const tmp = `${path}.creating-${process.pid}`;
    fs.rmSync(tmp, { force: true }); // this process's own leftover (a pid reused after a reboot)
    try {
      writeTempFile(tmp, bytes);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      throw new AppError(
        code === 'ENOSPC' ? 'invalid-file' : 'invalid-argument',
        code === 'ENOSPC'
          ? `disk full: cannot create the project ${path}; free some space and try again`
          : `cannot create the project ${path} (${(e as Error).message}); choose a folder you can write to`,
      );
    }
    try {
      fs.linkSync(tmp, path); // fails if another process created `path` meanwhile: never overwrite
      fs.rmSync(tmp, { force: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') && !fs.existsSync(path)) {
        fs.renameSync(tmp, path); // file systems without hard links (FAT, exFAT)
      } else {
        fs.rmSync(tmp, { force: true });
        throw new AppError('invalid-argument', `${path} could not be created (${(e as Error).message}); choose another file name`);
      }
    }
    return ProjectStore.open(path);
  }

  /**
   * Open an existing project, migrating an older schema.
   * @throws AppError('not-found' | 'not-a-project' | 'project-too-new')
   */
  static open(path: string, options: { readonly readonly?: boolean } = {}): ProjectStore {
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
    let db: Database.Database;
    try {
      db = new Database(path, { readonly, fileMustExist: true });
    } catch (e) {
      throw mapStoreError(e, path);
    }
    let store = new ProjectStore(path, db);
    try {
      try {
        store.configure();
        db.pragma('user_version', { simple: true });
      } catch (e) {
        // SQLite cannot read a WAL-mode file read-only when its folder is read-only too
        // (no -shm can be made): read a private copy instead.
        // (SQLite says CANTOPEN or READONLY_DIRECTORY, by version).
        if (!readonly || !(e instanceof Database.SqliteError) || !(e.code === 'SQLITE_CANTOPEN' || e.code.startsWith('SQLITE_READONLY'))) throw e;
        db.close();
        store = ProjectStore.openReadOnlyCopy(path);
        db = store.db;
      }
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new AppError(
          'project-too-new',
          `${path} uses project schema version ${version}, newer than this Novelty Labeler understands (${SCHEMA_VERSION}); update the app to open it`,
        );
      }
      if (version < SCHEMA_VERSION && !readonly) store.migrate();
      if (version < SCHEMA_VERSION && readonly && store.tempCopy === null) {
        // An older project opened read-only: the reading code expects this version's tables, so it
        // reads a private copy migrated in the temp folder; the project file itself is not touched.
        db.close();
        store = ProjectStore.openReadOnlyCopy(path);
        db = store.db;
      }
    } catch (e) {
      db.close();
      throw mapStoreError(e, path);
    }
    return store;
  }

  /** A read-only store on a copy (in the temp folder) of `path` and its -wal; the copy is removed on close. */
  private static openReadOnlyCopy(path: string): ProjectStore {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'nl-readonly-'));
    const copy = nodePath.join(dir, 'project.nlproj');
    try {
      fs.copyFileSync(path, copy);
      if (fs.existsSync(`${path}-wal`)) fs.copyFileSync(`${path}-wal`, `${copy}-wal`);
      const db = new Database(copy, { fileMustExist: true });
      const store = new ProjectStore(path, db);
      store.tempCopy = dir;
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version < SCHEMA_VERSION) store.migrate();
      db.pragma('query_only = ON');
      return store;
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private configure(): void {
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!this.db.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
    }
    this.db.pragma('foreign_keys = ON');
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    // A migration that rebuilds a table drops the parent of foreign keys, which SQLite
    // counts as violations even once the rebuilt table is back under its name; so keys
    // are off while migrating (the pragma is ignored inside a transaction) and every
    // reference is checked before each migration commits.
    this.db.pragma('foreign_keys = OFF');
    try {
      for (let v = version; v < SCHEMA_VERSION; v++) {
        this.db.transaction(() => {
          // Another process may have run this migration while we waited for the write lock.
          if ((this.db.pragma('user_version', { simple: true }) as number) > v) return;
          this.db.exec(MIGRATIONS[v]!);
          const broken = this.db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration to schema version ${v + 1} would leave ${broken.length} broken references; the project was left at version ${v}`);
          this.db.pragma(`user_version = ${v + 1}`);
        }).immediate();
      }
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    if (this.tempCopy !== null) fs.rmSync(this.tempCopy, { recursive: true, force: true });
    this.tempCopy = null;
  }

  /** A prepared statement for sql, prepared once per store (the labeling loop's queries). */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
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
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw mapStoreError(e, this.path);
    }
  }

  // ---------------------------------------------------------------- settings

  /** Read the settings from the file again (another connection, such as a job's worker, changed them). */
  reloadSettings(): ProjectSettings {
    this.cachedSettings = null;
    return this.settings;
  }

  get settings(): ProjectSettings {
    // A job in a worker thread (order, with its strategy) or another process may
    // change the settings through its own connection: SQLite's data_version moves
    // when another connection commits, and then the cache is read again.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.settingsVersion) {
      this.cachedSettings = null;
      this.settingsVersion = version;
    }
    if (!this.cachedSettings) {
      let row: { value: string } | undefined;
      try {
        row = this.db.prepare("SELECT value FROM meta WHERE key = 'settings'").get() as { value: string } | undefined;
      } catch (e) {
        throw mapStoreError(e, this.path);
      }
      let stored: unknown = {};
      try {
        stored = row ? JSON.parse(row.value) : {};
      } catch {
        throw new AppError('not-a-project', `${this.path}: its settings (table meta, key "settings") are not valid JSON; restore the project from a backup copy`);
      }
      const parsed = projectSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(stored !== null && typeof stored === 'object' ? stored : {}) });
      if (!parsed.success || stored === null || typeof stored !== 'object') {
        const issue = parsed.success ? null : parsed.error.issues[0];
        throw new AppError(
          'not-a-project',
          `${this.path}: its settings (table meta, key "settings") are not valid${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}; restore the project from a backup copy`,
        );
      }
      this.cachedSettings = parsed.data;
    }
    return this.cachedSettings;
  }

  /** Change the settings that may change after creation (strategy, testFraction, testMax, orientationModel; embeddingTurns and embedder: take effect at the next embed). */
  updateSettings(patch: Partial<Pick<ProjectSettings, 'strategy' | 'testFraction' | 'testMax' | 'orientationModel' | 'embeddingTurns' | 'embedder'>>): ProjectSettings {
    const next = projectSettingsSchema.parse({ ...this.settings, ...patch });
    this.db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('settings', ?)").run(JSON.stringify(next));
    this.cachedSettings = next;
    return next;
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value);
  }

  // ----------------------------------------------------------------- folders

  /**
   * Id of an imported folder (absolute path), adding it when new.
   * @param role 'test' makes the folder (new or not) a test folder, 'pool' a
   *   pool folder; omitted, a new folder is a pool folder and a known one
   *   keeps its role (a re-import never changes it silently).
   */
  folderId(absFolder: string, role?: FolderRole): number {
    const row = this.db.prepare('SELECT id, role FROM folders WHERE path = ?').get(absFolder) as { id: number; role: FolderRole } | undefined;
    if (row) {
      if (role && role !== row.role) this.db.prepare('UPDATE folders SET role = ? WHERE id = ?').run(role, row.id);
      return row.id;
    }
    return Number(this.db.prepare('INSERT INTO folders(path, added_at, role) VALUES (?, ?, ?)').run(absFolder, now(), role ?? 'pool').lastInsertRowid);
  }

  listFolders(): { id: number; path: string; role: FolderRole }[] {
    return this.db.prepare('SELECT id, path, role FROM folders ORDER BY id').all() as { id: number; path: string; role: FolderRole }[];
  }

  /** Role of the folder an image was imported from. */
  folderRoleOfImage(id: ImageId): FolderRole {
    return (this.db.prepare('SELECT f.role FROM images i JOIN folders f ON f.id = i.folder_id WHERE i.id = ?').pluck().get(id) as FolderRole | undefined) ?? 'pool';
  }

  /** Whether some folder was imported as the test split (then the random test split is off). */
  hasTestFolder(): boolean {
    return this.db.prepare("SELECT 1 FROM folders WHERE role = 'test' LIMIT 1").get() !== undefined;
  }

  /**
   * Change the stored path of a folder row only (its images' paths are not
   * touched: the caller moves each with moveImage).
   * @param folderId id from folderId()/listFolders()
   * @param newAbsFolder the folder's new real absolute path (must not be another folder's path)
   * @throws SqliteError (UNIQUE constraint) when another folder row already has newAbsFolder
   */
  renameFolder(folderId: number, newAbsFolder: string): void {
    this.db.prepare('UPDATE folders SET path = ? WHERE id = ?').run(newAbsFolder, folderId);
  }

  /** Point a folder at its new location (images' absolute paths follow). */
  relinkFolder(folderId: number, newAbsFolder: string, joinPath: (folder: string, rel: string) => string): void {
    this.transaction(() => {
      this.db.prepare('UPDATE folders SET path = ? WHERE id = ?').run(newAbsFolder, folderId);
      const rows = this.db.prepare('SELECT id, rel_path FROM images WHERE folder_id = ?').all(folderId) as { id: number; rel_path: string }[];
      const upd = this.db.prepare('UPDATE images SET abs_path = ? WHERE id = ?');
      for (const r of rows) upd.run(joinPath(newAbsFolder, r.rel_path), r.id);
    });
  }

  // ------------------------------------------------------------------ images

  /**
   * Insert an image. Exact duplicates (same SHA-256 as an earlier ready image)
   * are flagged with duplicate_of and never queued.
   */
  insertImage(img: NewImage): ImageId {
    let duplicateOf: number | null = null;
    if (img.sha256 && img.status === 'ready') {
      const first = this.db
        .prepare("SELECT id FROM images WHERE sha256 = ? AND status = 'ready' AND duplicate_of IS NULL ORDER BY id LIMIT 1")
        .get(img.sha256) as { id: number } | undefined;
      duplicateOf = first?.id ?? null;
    }
    const r = this.db
      .prepare(
        `INSERT INTO images(folder_id, rel_path, abs_path, sha256, size_bytes, width, height, status, error, duplicate_of, model_input, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        img.folderId,
        img.relPath,
        img.absPath,
        img.sha256,
        img.sizeBytes,
        img.width,
        img.height,
        img.status,
        img.error,
        duplicateOf,
        img.modelInput ? Buffer.from(img.modelInput.buffer, img.modelInput.byteOffset, img.modelInput.byteLength) : null,
        now(),
      );
    return Number(r.lastInsertRowid) as ImageId;
  }

  /** Replace the decoded content of an image already in the project (e.g. a re-import of a changed file). */
  updateImageContent(id: ImageId, img: Omit<NewImage, 'folderId' | 'relPath' | 'absPath'>): void {
    this.db
      .prepare('UPDATE images SET sha256 = ?, size_bytes = ?, width = ?, height = ?, status = ?, error = ?, model_input = ? WHERE id = ?')
      .run(
        img.sha256,
        img.sizeBytes,
        img.width,
        img.height,
        img.status,
        img.error,
        img.modelInput ? Buffer.from(img.modelInput.buffer, img.modelInput.byteOffset, img.modelInput.byteLength) : null,
        id,
      );
  }

  setImageStatus(id: ImageId, status: ImageStatus, error: string | null): void {
    this.db.prepare('UPDATE images SET status = ?, error = ? WHERE id = ?').run(status, error, id);
  }

  /**
   * Point an image at a file in another place: its folder, path relative to
   * that folder and absolute path change together (one UPDATE). Labels,
   * embeddings and queue entries stay with the image id.
   * @throws SqliteError (UNIQUE constraint) when absPath is already another image's path
   */
  moveImage(id: ImageId, folderId: number, relPath: string, absPath: string): void {
    this.db.prepare('UPDATE images SET folder_id = ?, rel_path = ?, abs_path = ? WHERE id = ?').run(folderId, relPath, absPath, id);
  }

  /**
   * Recompute duplicate_of for every image with this SHA-256 (hex): the ready
   * image with the lowest id is the original and points nowhere, the other
   * ready ones point to it (the rule of insertImage); images that are not
   * ready point nowhere. Call after an image's content or status changed or it
   * was re-linked; run it inside the caller's transaction.
   */
  refreshDuplicates(sha256: string): void {
    const rows = this.db.prepare('SELECT id, status FROM images WHERE sha256 = ? ORDER BY id').all(sha256) as { id: number; status: ImageStatus }[];
    const upd = this.db.prepare('UPDATE images SET duplicate_of = ? WHERE id = ?');
    let original: number | null = null;
    for (const r of rows) {
      if (r.status !== 'ready') {
        upd.run(null, r.id);
      } else if (original === null) {
        original = r.id;
        upd.run(null, r.id);
      } else {
        upd.run(original, r.id);
      }
    }
  }

  /**
   * Id and absolute path of every image whose status is not 'missing', by id
   * (no blobs; cheap at 100k images). Used to find files gone from a folder.
   */
  listPresentImagePaths(): { id: ImageId; absPath: string }[] {
    return (this.db.prepare("SELECT id, abs_path FROM images WHERE status <> 'missing' ORDER BY id").all() as { id: number; abs_path: string }[]).map(
      (r) => ({ id: r.id as ImageId, absPath: r.abs_path }),
    );
  }

  /**
   * The images of one folder row, by id: id, path relative to the folder,
   * SHA-256 (null when never read), status and whether a model input is stored.
   */
  listFolderImages(folderId: number): { id: ImageId; relPath: string; sha256: string | null; status: ImageStatus; hasModelInput: boolean }[] {
    return (
      this.db
        .prepare('SELECT id, rel_path, sha256, status, model_input IS NOT NULL AS has_input FROM images WHERE folder_id = ? ORDER BY id')
        .all(folderId) as { id: number; rel_path: string; sha256: string | null; status: ImageStatus; has_input: number }[]
    ).map((r) => ({ id: r.id as ImageId, relPath: r.rel_path, sha256: r.sha256, status: r.status, hasModelInput: r.has_input === 1 }));
  }

  setImagePath(id: ImageId, absPath: string): void {
    this.db.prepare('UPDATE images SET abs_path = ? WHERE id = ?').run(absPath, id);
  }

  /**
   * Length in bytes of an image's stored model input, or null when none is
   * stored (SQLite's length() reads the blob's header, not its bytes).
   * A usable one has inputSize^2 x channels bytes (see getModelInputs).
   */
  modelInputLength(id: ImageId): number | null {
    const n = this.stmt('SELECT length(model_input) FROM images WHERE id = ?').pluck().get(id) as number | null | undefined;
    return n ?? null;
  }

  /**
   * Change an image's relative and absolute paths, keeping its folder (one
   * UPDATE). Used to move a record off a path whose file holds other content.
   * @throws SqliteError (UNIQUE constraint) when absPath is already another image's path
   */
  setImagePaths(id: ImageId, relPath: string, absPath: string): void {
    this.db.prepare('UPDATE images SET rel_path = ?, abs_path = ? WHERE id = ?').run(relPath, absPath, id);
  }

  /** Whether an image has ever been labeled (any label row, undone ones included). */
  hasLabelHistory(id: ImageId): boolean {
    return this.stmt('SELECT 1 FROM labels WHERE image_id = ? LIMIT 1').pluck().get(id) !== undefined;
  }

  /**
   * Forget what was computed from an image's earlier pixels: its embedding
   * rows (every set), its queue entries (every order) and its skip. Used when
   * an image's content is replaced in place; until the next embed/order it is
   * like a newly added image (not in the queue). Run it inside the caller's
   * transaction.
   */
  dropDerivedData(id: ImageId): void {
    this.db.prepare('DELETE FROM embeddings WHERE image_id = ?').run(id);
    this.db.prepare('DELETE FROM order_entries WHERE image_id = ?').run(id);
    this.db.prepare('DELETE FROM skips WHERE image_id = ?').run(id);
  }

  getImage(id: ImageId): ImageRecord | null {
    const r = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRow | undefined;
    return r ? toImage(r) : null;
  }

  findImageByPath(absPath: string): ImageRecord | null {
    const r = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE abs_path = ?`).get(absPath) as ImageRow | undefined;
    return r ? toImage(r) : null;
  }

  findImagesBySha(sha256: string): ImageRecord[] {
    return (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE sha256 = ? ORDER BY id`).all(sha256) as ImageRow[]).map(toImage);
  }

  /** Images whose path relative to their folder is relPath (any folder). */
  findImagesByRelPath(relPath: string): ImageRecord[] {
    return (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE rel_path = ? ORDER BY id`).all(relPath) as ImageRow[]).map(toImage);
  }

  listImages(filter: { readonly status?: ImageStatus } = {}): ImageRecord[] {
    const rows = filter.status
      ? (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE status = ? ORDER BY id`).all(filter.status) as ImageRow[])
      : (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images ORDER BY id`).all() as ImageRow[]);
    return rows.map(toImage);
  }

  /** Number of pool images (see listPoolImages), counted on the images_state index without reading the rows. */
  poolSize(): number {
    return this.stmt("SELECT COUNT(*) FROM images WHERE status = 'ready' AND duplicate_of IS NULL").pluck().get() as number;
  }

  /** Ready, non-duplicate images: the pool every queue and split draws from. */
  listPoolImages(): ImageRecord[] {
    return (
      this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE status = 'ready' AND duplicate_of IS NULL ORDER BY id`).all() as ImageRow[]
    ).map(toImage);
  }

  /**
   * Model inputs of the given images (default: the pool), concatenated.
   * Returns data of length ids.length * inputSize^2 * channels (uint8, HWC per image).
   * @throws AppError('not-found') when an id has no model input.
   */
  getModelInputs(ids?: readonly ImageId[]): { ids: ImageId[]; data: Uint8Array; size: number; channels: number } {
    const { inputSize, colorMode } = this.settings;
    const channels = colorMode === 'rgb' ? 3 : 1;
    const per = inputSize * inputSize * channels;
    const list = ids ? [...ids] : this.listPoolImages().map((i) => i.id);
    const data = new Uint8Array(list.length * per);
    const stmt = this.db.prepare('SELECT model_input FROM images WHERE id = ?').pluck();
    list.forEach((id, i) => {
      const b = stmt.get(id) as Buffer | null | undefined;
      if (!b || b.length !== per) {
        throw new AppError('not-found', `image ${id} has no model input of ${per} bytes; re-import its folder`);
      }
      data.set(b, i * per);
    });
    return { ids: list, data, size: inputSize, channels };
  }

  /**
   * Update the test split. With a test folder (imported with `--test`), the
   * split is exactly the images of the test folders: images of pool folders
   * that were in the random split return to the pool, and their labels stay
   * (they count as training labels from then on). Without one, grow the
   * random split to min(round(testFraction * pool), testMax) images,
   * choosing by a seeded hash of each image's SHA-256 so the choice does not
   * depend on import order; images already in the split stay there.
   * Returns the split's size (pool images, not duplicates).
   */
  updateTestSplit(rank: (sha256: string, seed: number) => number): number {
    const { testFraction, testMax, seed } = this.settings;
    if (this.hasTestFolder()) {
      return this.transaction(() => {
        this.db.exec(
          `UPDATE images SET in_test_split = (folder_id IN (SELECT id FROM folders WHERE role = 'test'))
           WHERE in_test_split != (folder_id IN (SELECT id FROM folders WHERE role = 'test'))`,
        );
        return this.listPoolImages().filter((p) => p.inTestSplit).length;
      });
    }
    return this.transaction(() => {
      const pool = this.listPoolImages();
      const target = Math.min(Math.round(testFraction * pool.length), testMax);
      const current = pool.filter((p) => p.inTestSplit).length;
      if (current >= target) return current;
      const labeled = new Set(this.currentLabels().map((l) => l.imageId));
      const candidates = pool
        .filter((p) => !p.inTestSplit && !labeled.has(p.id))
        .map((p) => ({ id: p.id, r: rank(p.sha256 ?? String(p.id), seed) }))
        .sort((a, b) => a.r - b.r || a.id - b.id)
        .slice(0, target - current);
      const upd = this.db.prepare('UPDATE images SET in_test_split = 1 WHERE id = ?');
      for (const c of candidates) upd.run(c.id);
      return current + candidates.length;
    });
  }

  // ------------------------------------------------------------------ labels

  /**
   * The image a label given for `img` belongs to: `img` itself, or, when it
   * is an exact duplicate (duplicate_of set: same SHA-256 as an earlier ready
   * image; duplicates are not in the pool), its original. The two share their
   * pixels, so one label describes both, and a copy of a test-split image can
   * never put a label into the training set. Falls back to `img` when the
   * original is not found. addLabel stores every label on this image; callers
   * that need the target before storing (the label's arm, an import's check
   * for two rows on one image) call this, never their own mapping.
   * @param lookup finds an image by id (default: getImage on this store; an
   *   import passes its in-memory index to avoid one query per row).
   */
  labelTarget(img: ImageRecord, lookup: (id: ImageId) => ImageRecord | null = (id) => this.getImage(id)): ImageRecord {
    return img.duplicateOf === null ? img : (lookup(img.duplicateOf) ?? img);
  }

  /**
   * Store a label (committed when this returns). The angle is wrapped into
   * [0, period); "none" records "no orientation / not applicable". A label
   * given for an exact duplicate is stored on its original (see labelTarget):
   * the returned record's imageId is the original's id.
   * @throws AppError('not-found') for an unknown image.
   */
  addLabel(input: {
    readonly imageId: ImageId;
    readonly value: LabelValue;
    readonly annotator: string;
    readonly durationMs?: number | null;
    readonly arm?: Arm;
    readonly source?: LabelRecord['source'];
    readonly createdAt?: string;
  }): LabelRecord {
    const given = this.getImage(input.imageId);
    if (!given) throw new AppError('not-found', `no image with id ${input.imageId} in this project`);
    const value: LabelValue = input.value.kind === 'angle' ? { kind: 'angle', angle: wrapDegrees(input.value.angle, periodOf(this.settings.axial)) } : input.value;
    return this.insertLabel({ ...input, imageId: this.labelTarget(given).id, value });
  }

  /**
   * Store a label already decided by the label policy (src/main/policy): on
   * its target image, the angle wrapped. Nothing is checked or mapped again
   * (addLabel does that for writers without the policy: imports, tests).
   */
  insertLabel(input: Parameters<ProjectStore['addLabel']>[0]): LabelRecord {
    const imageId = input.imageId;
    const angle = input.value.kind === 'angle' ? input.value.angle : null;
    const r = this.db
      .prepare(
        `INSERT INTO labels(image_id, angle_deg, no_orientation, annotator, created_at, duration_ms, arm, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        imageId,
        angle,
        angle === null ? 1 : 0,
        input.annotator,
        input.createdAt ?? now(),
        input.durationMs ?? null,
        input.arm ?? 'none',
        input.source ?? 'annotator',
      );
    this.db.prepare('DELETE FROM skips WHERE image_id = ?').run(imageId);
    return toLabel(this.db.prepare('SELECT * FROM labels WHERE id = ?').get(r.lastInsertRowid) as LabelRow);
  }

  /** Undo the most recent label that is not undone yet (the previous label of that image, if any, applies again). */
  undoLastLabel(annotator?: string): LabelRecord | null {
    const row = (
      annotator
        ? this.db.prepare('SELECT * FROM labels WHERE undone_at IS NULL AND annotator = ? ORDER BY id DESC LIMIT 1').get(annotator)
        : this.db.prepare('SELECT * FROM labels WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get()
    ) as LabelRow | undefined;
    if (!row) return null;
    this.db.prepare('UPDATE labels SET undone_at = ? WHERE id = ?').run(now(), row.id);
    return toLabel(row);
  }

  /** Undo the label `id` when it is not undone yet; returns it, or null when it was already undone or does not exist. */
  undoLabel(id: LabelId): LabelRecord | null {
    const row = this.db.prepare('SELECT * FROM labels WHERE id = ? AND undone_at IS NULL').get(id) as LabelRow | undefined;
    if (!row) return null;
    this.db.prepare('UPDATE labels SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(now(), row.id);
    return toLabel(row);
  }

  /** The current label of every labeled image (latest, not undone), by label id. */
  currentLabels(): LabelRecord[] {
    return (this.db.prepare('SELECT * FROM current_labels ORDER BY id').all() as LabelRow[]).map(toLabel);
  }

  currentLabel(imageId: ImageId): LabelRecord | null {
    const r = this.db
      .prepare('SELECT * FROM labels WHERE image_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(imageId) as LabelRow | undefined;
    return r ? toLabel(r) : null;
  }

  /** Add many labels in one transaction: all or nothing. */
  addLabels(inputs: readonly Parameters<ProjectStore['addLabel']>[0][]): number {
    return this.transaction(() => {
      for (const i of inputs) this.addLabel(i);
      return inputs.length;
    });
  }

  skipImage(imageId: ImageId): void {
    this.db.prepare('INSERT OR REPLACE INTO skips(image_id, skipped_at) VALUES (?, ?)').run(imageId, now());
  }

  // ------------------------------------------------------------------ models

  saveModel(m: {
    readonly kind: StoredModel['kind'];
    readonly backend: string | null;
    readonly params: Record<string, unknown>;
    readonly topology: unknown;
    readonly weights: Uint8Array | null;
    readonly metrics?: Record<string, unknown>;
  }): ModelId {
    const r = this.db
      .prepare('INSERT INTO models(kind, created_at, backend, params, topology, weights, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        m.kind,
        now(),
        m.backend,
        JSON.stringify(m.params),
        m.topology === undefined ? null : JSON.stringify(m.topology),
        m.weights ? Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength) : null,
        JSON.stringify(m.metrics ?? {}),
      );
    return Number(r.lastInsertRowid) as ModelId;
  }

  getModel(id: ModelId): StoredModel | null {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as
      | { id: number; kind: StoredModel['kind']; created_at: string; backend: string | null; params: string; topology: string | null; weights: Buffer | null; metrics: string | null }
      | undefined;
    if (!r) return null;
    return {
      id: r.id as ModelId,
      kind: r.kind,
      createdAt: r.created_at,
      backend: r.backend,
      params: JSON.parse(r.params) as Record<string, unknown>,
      topology: r.topology ? (JSON.parse(r.topology) as unknown) : null,
      weights: r.weights ? new Uint8Array(r.weights.buffer, r.weights.byteOffset, r.weights.byteLength) : null,
      metrics: r.metrics ? (JSON.parse(r.metrics) as Record<string, unknown>) : {},
    };
  }

  latestModel(kind: StoredModel['kind']): StoredModel | null {
    const r = this.db.prepare('SELECT id FROM models WHERE kind = ? ORDER BY id DESC LIMIT 1').get(kind) as { id: number } | undefined;
    return r ? this.getModel(r.id as ModelId) : null;
  }

  // -------------------------------------------------------------- embeddings

  /**
   * Store a new embedding set and make it the active one (one transaction).
   * data is row-major ids.length x dim; pca (optional) is ids.length x 2.
   * @throws AppError('invalid-argument') on a shape mismatch or a non-finite value.
   */
  saveEmbeddings(input: {
    readonly modelId: ModelId | null;
    readonly source: string;
    readonly backend: ComputeBackend | null;
    readonly loss: number | null;
    readonly ids: readonly ImageId[];
    readonly dim: number;
    readonly data: Float32Array;
    readonly pca: Float32Array | null;
  }): number {
    const { ids, dim, data, pca } = input;
    if (data.length !== ids.length * dim) {
      throw new AppError('invalid-argument', `embedding matrix has ${data.length} values, expected ${ids.length} x ${dim}`);
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new AppError('invalid-argument', `embedding of image ${ids[Math.floor(i / dim)]} has a non-finite value at dimension ${i % dim}`);
      }
    }
    if (pca && pca.length !== ids.length * 2) throw new AppError('invalid-argument', 'PCA projection must be N x 2');
    return this.transaction(() => {
      const setId = Number(
        this.db
          .prepare('INSERT INTO embedding_sets(model_id, source, dim, backend, loss, created_at, active) VALUES (?, ?, ?, ?, ?, ?, 0)')
          .run(input.modelId, input.source, dim, input.backend, input.loss, now()).lastInsertRowid,
      );
      const ins = this.db.prepare('INSERT INTO embeddings(set_id, image_id, vector, pca_x, pca_y) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i < ids.length; i++) {
        const v = data.subarray(i * dim, (i + 1) * dim);
        ins.run(setId, ids[i], Buffer.from(v.buffer, v.byteOffset, v.byteLength), pca ? pca[2 * i] : null, pca ? pca[2 * i + 1] : null);
      }
      this.db.prepare('UPDATE embedding_sets SET active = (id = ?)').run(setId);
      // Keep the active set and the one before it; older sets only cost space.
      this.db
        .prepare(
          `DELETE FROM embedding_sets WHERE active = 0 AND id < (SELECT MAX(id) FROM embedding_sets WHERE active = 0)
             AND id NOT IN (SELECT embedding_set_id FROM orders WHERE embedding_set_id IS NOT NULL)`,
        )
        .run();
      return setId;
    });
  }

  embeddingInfo(): EmbeddingInfo | null {
    const r = this.db.prepare('SELECT * FROM embedding_sets WHERE active = 1').get() as
      | { id: number; model_id: number | null; source: string; dim: number; backend: string | null; loss: number | null }
      | undefined;
    if (!r) return null;
    const count = (this.db.prepare('SELECT COUNT(*) FROM embeddings WHERE set_id = ?').pluck().get(r.id) as number) ?? 0;
    let turns: number | null = null;
    if (r.model_id !== null) {
      const params = this.db.prepare('SELECT params FROM models WHERE id = ?').pluck().get(r.model_id) as string | undefined;
      const t = params ? (JSON.parse(params) as { embeddingTurns?: unknown }).embeddingTurns : undefined;
      turns = typeof t === 'number' && Number.isInteger(t) && t >= 1 ? t : 1;
    }
    return {
      modelId: r.model_id as ModelId | null,
      latentDim: r.dim,
      backend: r.backend as ComputeBackend | null,
      source: r.source,
      count,
      reconstructionLoss: r.loss,
      turns,
    };
  }

  /** The active embeddings (rows in image-id order), or null when none. */
  getEmbeddings(): EmbeddingMatrix | null {
    const set = this.db.prepare('SELECT id, dim FROM embedding_sets WHERE active = 1').get() as { id: number; dim: number } | undefined;
    if (!set) return null;
    const rows = this.db.prepare('SELECT image_id, vector FROM embeddings WHERE set_id = ? ORDER BY image_id').all(set.id) as {
      image_id: number;
      vector: Buffer;
    }[];
    const data = new Float32Array(rows.length * set.dim);
    const ids: ImageId[] = [];
    rows.forEach((r, i) => {
      ids.push(r.image_id as ImageId);
      data.set(new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)), i * set.dim);
    });
    return { setId: set.id, ids, dim: set.dim, data };
  }

  /** PCA plane coordinates of the active embeddings. */
  getPcaPoints(): { imageId: ImageId; x: number; y: number }[] {
    return (
      this.db
        .prepare(
          'SELECT e.image_id AS imageId, e.pca_x AS x, e.pca_y AS y FROM embeddings e JOIN embedding_sets s ON s.id = e.set_id WHERE s.active = 1 AND e.pca_x IS NOT NULL',
        )
        .all() as { imageId: number; x: number; y: number }[]
    ).map((r) => ({ imageId: r.imageId as ImageId, x: r.x, y: r.y }));
  }

  // ------------------------------------------------------------------ orders

  /**
   * Store an order and make it the active queue. Readers see the previous
   * order until the new one is complete, then the new one: it is written
   * while marked "being written" (active = -1), made active in one short
   * transaction, and the order it replaces is deleted afterwards. Entries
   * are written and deleted in transactions of SAVE_ORDER_CHUNK rows, so a
   * label committed by another connection meanwhile (the app labels while a
   * reorder runs in a worker) waits for one chunk (tens of ms), not for the
   * whole order (1.1-1.6 s at 100,000 entries as one transaction; see
   * bench/large-project.ts). Between chunks the thread pauses
   * SAVE_ORDER_PAUSE_MS, so saving 100,000 entries takes ~5 s longer: call it
   * from a worker thread, as the order job does. A crash leaves the previous order active and at
   * most a partial "being written" order, removed by a later saveOrder once
   * it is an hour old (an order being written by another process right now
   * is never touched).
   */
  saveOrder(input: {
    readonly strategy: string;
    readonly seed: number;
    readonly embeddingSetId: number | null;
    readonly params?: Record<string, unknown>;
    readonly entries: readonly OrderEntryInput[];
    /** Run inside the transaction that makes the order active; throwing keeps the previous order (the new one is deleted). */
    readonly beforeSwitch?: () => void;
  }): OrderId {
    // The chunks are committed without waiting for the disk (synchronous =
    // NORMAL: still atomic and consistent, and the next FULL commit of any
    // connection, such as a label, flushes them); only the switch waits for
    // it. This keeps each chunk's hold on the write lock short.
    const sync = this.db.readonly ? null : (this.db.pragma('synchronous', { simple: true }) as number);
    const fast = (): void => {
      if (sync !== null) this.db.pragma('synchronous = NORMAL');
    };
    const durable = (): void => {
      if (sync !== null) this.db.pragma(`synchronous = ${sync}`);
    };
    try {
      fast();
      return this.writeOrderInChunks(input, fast, durable);
    } finally {
      durable();
    }
  }

  /** saveOrder's steps; fast/durable switch the connection's synchronous level (chunks vs the switch). */
  private writeOrderInChunks(input: Parameters<ProjectStore['saveOrder']>[0], fast: () => void, durable: () => void): OrderId {
    const stale = new Date(Date.now() - 3600_000).toISOString();
    const leftovers = this.db.prepare('SELECT id FROM orders WHERE active = -1 AND created_at < ?').pluck().all(stale) as number[];
    for (const old of leftovers) this.deleteOrderInChunks(old);
    const id = this.transaction(() =>
      Number(
        this.db
          .prepare('INSERT INTO orders(strategy, seed, embedding_set_id, params, created_at, active) VALUES (?, ?, ?, ?, ?, -1)')
          .run(input.strategy, input.seed, input.embeddingSetId, JSON.stringify(input.params ?? {}), now()).lastInsertRowid,
      ),
    );
    const ins = this.db.prepare('INSERT INTO order_entries(order_id, rank, image_id, coverage_radius, arm) VALUES (?, ?, ?, ?, ?)');
    for (let from = 0; from < input.entries.length; from += SAVE_ORDER_CHUNK) {
      if (from > 0) this.yieldAfterChunk();
      this.transaction(() => {
        const to = Math.min(input.entries.length, from + SAVE_ORDER_CHUNK);
        for (let rank = from; rank < to; rank++) {
          const e = input.entries[rank]!;
          ins.run(id, rank, e.imageId, e.coverageRadius, e.arm);
        }
      });
    }
    // The switch, then every replaced order (the previous one, and any left by a crash after a switch).
    durable();
    let replaced: number[];
    try {
      replaced = this.transaction(() => {
        input.beforeSwitch?.();
        return this.switchOrder(id);
      });
    } catch (e) {
      fast();
      this.deleteOrderInChunks(id);
      throw e;
    }
    fast();
    for (const old of replaced) this.deleteOrderInChunks(old);
    return id as OrderId;
  }

  /** Make order `id` the active one; returns the ids of the orders it replaced. */
  private switchOrder(id: number): number[] {
    this.db.prepare('UPDATE orders SET active = 0 WHERE active = 1').run();
    this.db.prepare('UPDATE orders SET active = 1 WHERE id = ?').run(id);
    return this.db.prepare('SELECT id FROM orders WHERE active = 0').pluck().all() as number[];
  }

  /**
   * Between two chunks of saveOrder: copy the write-ahead log into the file
   * here (a passive checkpoint, which never blocks other connections), so
   * the next label's commit does not inherit that work from SQLite's
   * automatic checkpoint, then pause so a waiting writer gets the lock.
   */
  private yieldAfterChunk(): void {
    if (!this.db.readonly) this.db.pragma('wal_checkpoint(PASSIVE)');
    pause(SAVE_ORDER_PAUSE_MS);
  }

  /** Delete an order that is not active: its entries SAVE_ORDER_CHUNK at a time, then its row. */
  private deleteOrderInChunks(orderId: number): void {
    const del = this.db.prepare('DELETE FROM order_entries WHERE rowid IN (SELECT rowid FROM order_entries WHERE order_id = ? LIMIT ?)');
    while (this.transaction(() => del.run(orderId, SAVE_ORDER_CHUNK).changes) === SAVE_ORDER_CHUNK) this.yieldAfterChunk();
    this.transaction(() => this.db.prepare('DELETE FROM orders WHERE id = ? AND active <> 1').run(orderId));
  }


  activeOrder(): { id: OrderId; strategy: string; seed: number; length: number; embeddingSetId: number | null } | null {
    const r = this.db.prepare('SELECT id, strategy, seed, embedding_set_id FROM orders WHERE active = 1').get() as
      | { id: number; strategy: string; seed: number; embedding_set_id: number | null }
      | undefined;
    if (!r) return null;
    const length = this.orderLength(r.id);
    return { id: r.id as OrderId, strategy: r.strategy, seed: r.seed, length, embeddingSetId: r.embedding_set_id };
  }

  /** Id of the active order, or null (no COUNT over its entries, unlike activeOrder). */
  private activeOrderId(): number | null {
    const id = this.stmt('SELECT id FROM orders WHERE active = 1').pluck().get() as number | undefined;
    return id ?? null;
  }

  /** Whether a queue order exists (cheap: unlike activeOrder, does not count its entries). */
  hasActiveOrder(): boolean {
    return this.activeOrderId() !== null;
  }

  /**
   * The next `count` images of the active order that are unlabeled, ready,
   * not duplicates and not in the test split; skipped images come last (by
   * the time they were skipped, then rank).
   *
   * Cost: the entries not skipped are read in rank order from the order's
   * primary key and the read stops after count + offset hits, so a call costs
   * O((labeled or excluded entries before the hits + count + offset) log N),
   * not a sort of the whole order (0.1 ms instead of ~100 ms at N = 100,000;
   * bench/large-project.ts); skipped entries are reached from the skips table
   * through the order_entries(image_id) index. CROSS JOIN fixes the join
   * order so the planner never starts from the images table and sorts.
   */
  /** The largest coverage radius of an order (an order's entries never change once written: read once per order). */
  private largestRadius(orderId: number): number | null {
    const key = `${orderId} ${String(this.stmt('SELECT created_at FROM orders WHERE id = ?').pluck().get(orderId))}`;
    if (this.radiusScaleOf?.key !== key) {
      const m = this.stmt('SELECT MAX(coverage_radius) FROM order_entries WHERE order_id = ?').pluck().get(orderId) as number | null;
      this.radiusScaleOf = { key, value: m ?? null };
    }
    return this.radiusScaleOf.value;
  }
  private radiusScaleOf: { key: string; value: number | null } | null = null;

  queue(count: number, offset = 0): QueueEntry[] {
    const orderId = this.activeOrderId();
    const want = Math.max(0, Math.floor(count)) + Math.max(0, Math.floor(offset));
    if (orderId === null || want === 0) return [];
    const columns = 'e.rank, e.coverage_radius, e.arm, i.id, i.abs_path, i.rel_path, i.width, i.height';
    // The label and skip tests name e.image_id, so SQLite runs them on the
    // order entry before it reads the image's row (labeled entries cost one
    // probe of the small labels index, not a page of the images table).
    const queueable = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = e.image_id AND l.undone_at IS NULL)
           AND i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0`;
    type Row = {
      rank: number;
      coverage_radius: number | null;
      arm: Arm;
      id: number;
      abs_path: string;
      rel_path: string;
      width: number | null;
      height: number | null;
    };
    const rows = this.stmt(
      `SELECT ${columns} FROM order_entries e CROSS JOIN images i ON i.id = e.image_id
       WHERE e.order_id = ? AND NOT EXISTS (SELECT 1 FROM skips s WHERE s.image_id = e.image_id) AND ${queueable}
       ORDER BY e.rank LIMIT ?`,
    ).all(orderId, want) as Row[];
    if (rows.length < want) {
      const skipped = this.stmt(
        `SELECT ${columns} FROM skips s CROSS JOIN order_entries e ON e.image_id = s.image_id AND e.order_id = ?
         CROSS JOIN images i ON i.id = e.image_id
         WHERE ${queueable}
         ORDER BY s.skipped_at, e.rank LIMIT ?`,
      ).all(orderId, want - rows.length) as Row[];
      rows.push(...skipped);
    }
    const radiusScale = this.largestRadius(orderId);
    return rows.slice(Math.max(0, Math.floor(offset))).map((r) => ({
      imageId: r.id as ImageId,
      path: r.abs_path,
      relPath: r.rel_path,
      rank: r.rank,
      coverageRadius: r.coverage_radius,
      radiusScale,
      arm: r.arm,
      width: r.width,
      height: r.height,
    }));
  }

  /**
   * Whether the active order no longer matches the project: it was made from
   * other embeddings than the active ones, or some unlabeled pool image is not
   * in it (imported after it was made).
   */
  orderIsStale(): boolean {
    const order = this.activeOrder();
    if (!order) return false;
    const emb = this.db.prepare('SELECT id FROM embedding_sets WHERE active = 1').pluck().get() as number | undefined;
    if (emb !== undefined && order.embeddingSetId !== null && order.embeddingSetId !== emb) return true;
    const missing = this.db
      .prepare(
        `SELECT COUNT(*) FROM images i WHERE i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.undone_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM order_entries e WHERE e.order_id = ? AND e.image_id = i.id)`,
      )
      .pluck()
      .get(order.id) as number;
    return missing > 0;
  }

  /**
   * Number of queue entries left (see queue): the active order's entries
   * minus those whose image is now labeled or no longer queueable (not
   * ready, a duplicate or in the test split). Reads only the excluded images
   * (index ranges) and the order's length, never the whole images table.
   */
  queueRemaining(): number {
    const orderId = this.activeOrderId();
    if (orderId === null) return 0;
    return this.remainingIn(orderId, this.orderLength(orderId));
  }

  /**
   * Number of entries of an order. saveOrder keeps only the active order, so
   * when one order exists the whole table is counted, which SQLite does from
   * the b-tree pages without reading the rows (0.01 ms instead of 2 ms at
   * 100,000 entries).
   */
  private orderLength(orderId: number): number {
    const single = (this.stmt('SELECT COUNT(*) FROM orders').pluck().get() as number) === 1;
    return single
      ? (this.stmt('SELECT COUNT(*) FROM order_entries').pluck().get() as number)
      : (this.stmt('SELECT COUNT(*) FROM order_entries WHERE order_id = ?').pluck().get(orderId) as number);
  }

  /** queueRemaining for an order of `total` entries (status() passes the length it already has). */
  private remainingIn(orderId: number, total: number): number {
    const gone = this.stmt(
      `SELECT COUNT(*) FROM (
         SELECT id AS image_id FROM images WHERE status IN ('unreadable', 'missing')
         UNION SELECT id FROM images WHERE status = 'ready' AND duplicate_of IS NOT NULL
         UNION SELECT id FROM images WHERE status = 'ready' AND duplicate_of IS NULL AND in_test_split = 1
         UNION SELECT image_id FROM labels WHERE undone_at IS NULL
       ) g CROSS JOIN order_entries e ON e.image_id = g.image_id AND e.order_id = ?`,
    )
      .pluck()
      .get(orderId) as number;
    return total - gone;
  }

  /** Test-split images without a label, in a seeded random order (the caller shuffles). */
  unlabeledTestImages(): ImageRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.in_test_split = 1 AND i.status = 'ready'
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.undone_at IS NULL) ORDER BY id`,
        )
        .all() as ImageRow[]
    ).map(toImage);
  }

  // ------------------------------------------------------------------- curve

  addCurvePoints(runId: string, source: CurvePoint['source'], points: readonly NewCurvePoint[]): void {
    this.transaction(() => {
      const ins = this.db.prepare(
        `INSERT INTO curve_points(run_id, source, strategy, seed, size, mae_deg, median_deg, within10, test_size, created_at, model, ci_low, ci_high, chance_deg, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const t = now();
      for (const p of points) {
        ins.run(
          runId, source, p.strategy, p.seed, p.size, p.maeDeg, p.medianDeg, p.within10, p.testSize, t, p.model,
          p.ciLow ?? null, p.ciHigh ?? null, p.chanceDeg ?? null, p.extra ? JSON.stringify(p.extra) : null,
        );
      }
    });
  }

  curvePoints(source?: CurvePoint['source']): CurvePoint[] {
    const rows = (
      source
        ? this.db.prepare('SELECT * FROM curve_points WHERE source = ? ORDER BY id').all(source)
        : this.db.prepare('SELECT * FROM curve_points ORDER BY id').all()
    ) as {
      size: number;
      strategy: string;
      seed: number;
      mae_deg: number;
      median_deg: number;
      within10: number;
      test_size: number;
      source: CurvePoint['source'];
      created_at: string;
      model: string | null;
      ci_low: number | null;
      ci_high: number | null;
      chance_deg: number | null;
      extra: string | null;
    }[];
    return rows.map((r) => ({
      size: r.size,
      strategy: r.strategy,
      seed: r.seed,
      maeDeg: r.mae_deg,
      medianDeg: r.median_deg,
      within10: r.within10,
      testSize: r.test_size,
      source: r.source,
      createdAt: r.created_at,
      // Points from before schema 3 carry no model: the regressor was the only one then.
      model: r.model === 'exemplar' || r.model === 'aligned-exemplar' ? r.model : 'regressor',
      // Interval, chance level and extra figures only where measured (points from before them have none).
      ...(r.ci_low !== null && r.ci_high !== null ? { ciLow: r.ci_low, ciHigh: r.ci_high } : {}),
      ...(r.chance_deg !== null ? { chanceDeg: r.chance_deg } : {}),
      ...(r.extra !== null ? { extra: JSON.parse(r.extra) as CurvePointExtra } : {}),
    }));
  }

  /** The last compare's verdict.json content (null before the first compare with intervals). */
  compareVerdict(): CompareVerdictReport | null {
    const v = this.getMeta(COMPARE_VERDICT_KEY);
    return v === null ? null : (JSON.parse(v) as CompareVerdictReport);
  }

  setCompareVerdict(report: CompareVerdictReport): void {
    this.setMeta(COMPARE_VERDICT_KEY, JSON.stringify(report));
  }

  // ------------------------------------------------------------------ status

  /**
   * Counts of current labels (latest, not undone): labeled = of images outside
   * the test split, labeledNone = "no orientation" labels, testLabeled = of
   * test-split images. Reads the labels and their images only (cheap at any
   * project size; label:set uses it instead of status()).
   */
  labelCounts(): { labeled: number; labeledNone: number; testLabeled: number } {
    const r = this.stmt(
      `SELECT COALESCE(SUM(i.in_test_split = 0), 0) AS labeled, COALESCE(SUM(c.no_orientation = 1), 0) AS labeledNone,
              COALESCE(SUM(i.in_test_split = 1), 0) AS testLabeled
       FROM current_labels c JOIN images i ON i.id = c.image_id`,
    ).get() as { labeled: number; labeledNone: number; testLabeled: number };
    return { labeled: r.labeled, labeledNone: r.labeledNone, testLabeled: r.testLabeled };
  }

  /**
   * The project at a glance. The image counts are a whole-table COUNT (done
   * from the b-tree pages) and ranges of the images_state index that hold
   * only the rare states (unreadable, missing, duplicate, test split), never
   * a pass over the images table with its blobs: a few ms at 100,000 images
   * (bench/large-project.ts).
   */
  status(): ProjectStatus {
    const states = "status IN ('ready', 'unreadable', 'missing')"; // every status (CHECK constraint): lets the index ranges apply
    const img = this.stmt(
      `SELECT (SELECT COUNT(*) FROM images) AS total,
              (SELECT COUNT(*) FROM images WHERE status = 'unreadable') AS unreadable,
              (SELECT COUNT(*) FROM images WHERE status = 'missing') AS missing,
              (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NOT NULL) AS duplicates,
              (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NULL AND in_test_split = 1)
                + (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NOT NULL AND in_test_split = 1) AS test`,
    ).get() as { total: number; unreadable: number; missing: number; duplicates: number; test: number };
    const labels = this.labelCounts();
    const order = this.activeOrder();
    return {
      path: this.path,
      settings: this.settings,
      images: { ready: img.total - img.unreadable - img.missing, unreadable: img.unreadable, missing: img.missing, total: img.total },
      duplicates: img.duplicates,
      labeled: labels.labeled,
      labeledNone: labels.labeledNone,
      testSplit: { size: img.test, labeled: labels.testLabeled, folders: this.listFolders().filter((f) => f.role === 'test').map((f) => f.path) },
      embedding: this.embeddingInfo(),
      order: order ? { strategy: order.strategy, seed: order.seed, length: order.length, remaining: this.remainingIn(order.id, order.length) } : null,
      curve: this.curvePoints(),
      compareVerdict: this.compareVerdict(),
    };
  }

}
