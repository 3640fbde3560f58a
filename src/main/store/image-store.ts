/** Images: their files (paths, content hashes, status), model inputs, duplicates and the test split. */
import { AppError } from '../../shared/errors.js';
import type { ImageId, ImageRecord, ImageStatus } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import type { FolderStore } from './folder-store.js';
import { IMAGE_COLUMNS, now, toImage, type ImageRow } from './rows.js';
import type { SettingsStore } from './settings-store.js';
import type { NewImage } from './store-types.js';

const blob = (b: Uint8Array | null): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);

export class ImageStore {
  constructor(
    private readonly db: ProjectDatabase,
    private readonly settings: SettingsStore,
    private readonly folders: FolderStore,
  ) {}

  /**
   * Insert an image. Exact duplicates (same SHA-256 as an earlier ready image)
   * are flagged with duplicate_of and never queued.
   */
  insert(img: NewImage): ImageId {
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
        blob(img.modelInput),
        now(),
      );
    return Number(r.lastInsertRowid) as ImageId;
  }

  /** Replace the decoded content of an image already in the project (e.g. a re-import of a changed file). */
  updateContent(id: ImageId, img: Omit<NewImage, 'folderId' | 'relPath' | 'absPath'>): void {
    this.db
      .prepare('UPDATE images SET sha256 = ?, size_bytes = ?, width = ?, height = ?, status = ?, error = ?, model_input = ? WHERE id = ?')
      .run(img.sha256, img.sizeBytes, img.width, img.height, img.status, img.error, blob(img.modelInput), id);
  }

  setStatus(id: ImageId, status: ImageStatus, error: string | null): void {
    this.db.prepare('UPDATE images SET status = ?, error = ? WHERE id = ?').run(status, error, id);
  }

  /**
   * Point an image at a file in another place: its folder, path relative to
   * that folder and absolute path change together (one UPDATE). Labels,
   * embeddings and queue entries stay with the image id.
   * @throws SqliteError (UNIQUE constraint) when absPath is already another image's path
   */
  move(id: ImageId, folderId: number, relPath: string, absPath: string): void {
    this.db.prepare('UPDATE images SET folder_id = ?, rel_path = ?, abs_path = ? WHERE id = ?').run(folderId, relPath, absPath, id);
  }

  /**
   * Recompute duplicate_of for every image with this SHA-256 (hex): the ready
   * image with the lowest id is the original and points nowhere, the other
   * ready ones point to it (the rule of insert); images that are not
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
  listPresentPaths(): { id: ImageId; absPath: string }[] {
    return (this.db.prepare("SELECT id, abs_path FROM images WHERE status <> 'missing' ORDER BY id").all() as { id: number; abs_path: string }[]).map((r) => ({
      id: r.id as ImageId,
      absPath: r.abs_path,
    }));
  }

  /**
   * The images of one folder row, by id: id, path relative to the folder,
   * SHA-256 (null when never read), status and whether a model input is stored.
   */
  listInFolder(folderId: number): { id: ImageId; relPath: string; sha256: string | null; status: ImageStatus; hasModelInput: boolean }[] {
    return (
      this.db
        .prepare('SELECT id, rel_path, sha256, status, model_input IS NOT NULL AS has_input FROM images WHERE folder_id = ? ORDER BY id')
        .all(folderId) as { id: number; rel_path: string; sha256: string | null; status: ImageStatus; has_input: number }[]
    ).map((r) => ({ id: r.id as ImageId, relPath: r.rel_path, sha256: r.sha256, status: r.status, hasModelInput: r.has_input === 1 }));
  }

  setPath(id: ImageId, absPath: string): void {
    this.db.prepare('UPDATE images SET abs_path = ? WHERE id = ?').run(absPath, id);
  }

  /**
   * Change an image's relative and absolute paths, keeping its folder (one
   * UPDATE). Used to move a record off a path whose file holds other content.
   * @throws SqliteError (UNIQUE constraint) when absPath is already another image's path
   */
  setPaths(id: ImageId, relPath: string, absPath: string): void {
    this.db.prepare('UPDATE images SET rel_path = ?, abs_path = ? WHERE id = ?').run(relPath, absPath, id);
  }

  /** The largest image id so far (0 in a project without images): ids above it are added later. */
  maxId(): number {
    return this.db.prepare('SELECT COALESCE(MAX(id), 0) FROM images').pluck().get() as number;
  }

  /** Id of the folder row an image was imported from, or undefined for an unknown image. */
  folderIdOf(id: ImageId): number | undefined {
    return this.db.cached('SELECT folder_id FROM images WHERE id = ?').pluck().get(id) as number | undefined;
  }

  /** Size and modification time of an image's file when its content was last checked (null when never recorded). */
  fileStamp(id: ImageId): { sizeBytes: number | null; mtimeMs: number | null } {
    return this.db.cached('SELECT size_bytes AS sizeBytes, mtime_ms AS mtimeMs FROM images WHERE id = ?').get(id) as {
      sizeBytes: number | null;
      mtimeMs: number | null;
    };
  }

  /**
   * Record the modification time at which an image's file was found to hold
   * its stored content, so a later check can skip hashing it. Does nothing on
   * a read-only project.
   */
  recordMtime(id: ImageId, mtimeMs: number): void {
    if (this.db.readonly) return;
    this.db.cached('UPDATE images SET mtime_ms = ? WHERE id = ?').run(mtimeMs, id);
  }

  /**
   * Length in bytes of an image's stored model input, or null when none is
   * stored (SQLite's length() reads the blob's header, not its bytes).
   * A usable one has inputSize^2 x channels bytes (see modelInputs).
   */
  modelInputLength(id: ImageId): number | null {
    const n = this.db.cached('SELECT length(model_input) FROM images WHERE id = ?').pluck().get(id) as number | null | undefined;
    return n ?? null;
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

  get(id: ImageId): ImageRecord | null {
    const r = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRow | undefined;
    return r ? toImage(r) : null;
  }

  findByPath(absPath: string): ImageRecord | null {
    const r = this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE abs_path = ?`).get(absPath) as ImageRow | undefined;
    return r ? toImage(r) : null;
  }

  findBySha(sha256: string): ImageRecord[] {
    return (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE sha256 = ? ORDER BY id`).all(sha256) as ImageRow[]).map(toImage);
  }

  /** Images whose path relative to their folder is relPath (any folder). */
  findByRelPath(relPath: string): ImageRecord[] {
    return (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE rel_path = ? ORDER BY id`).all(relPath) as ImageRow[]).map(toImage);
  }

  list(filter: { readonly status?: ImageStatus } = {}): ImageRecord[] {
    const rows = filter.status
      ? (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE status = ? ORDER BY id`).all(filter.status) as ImageRow[])
      : (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images ORDER BY id`).all() as ImageRow[]);
    return rows.map(toImage);
  }

  /** Largest image id (0 in an empty project). */
  lastId(): number {
    return (this.db.cached('SELECT MAX(id) FROM images').pluck().get() as number | null) ?? 0;
  }

  /** Number of pool images (see listPool), counted on the images_state index without reading the rows. */
  poolSize(): number {
    return this.db.cached("SELECT COUNT(*) FROM images WHERE status = 'ready' AND duplicate_of IS NULL").pluck().get() as number;
  }

  /** Ready, non-duplicate images: the pool every queue and split draws from. */
  listPool(): ImageRecord[] {
    return (this.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE status = 'ready' AND duplicate_of IS NULL ORDER BY id`).all() as ImageRow[]).map(
      toImage,
    );
  }

  /** Test-split images without a label, by id (the caller shuffles). */
  unlabeledTest(): ImageRecord[] {
    return (
      this.db
        .prepare(
          `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.in_test_split = 1 AND i.status = 'ready'
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.undone_at IS NULL) ORDER BY id`,
        )
        .all() as ImageRow[]
    ).map(toImage);
  }

  /**
   * Model inputs of the given images (default: the pool), concatenated.
   * Returns data of length ids.length * inputSize^2 * channels (uint8, HWC per image).
   * @throws AppError('not-found') when an id has no model input.
   */
  modelInputs(ids?: readonly ImageId[]): { ids: ImageId[]; data: Uint8Array; size: number; channels: number } {
    const { inputSize, colorMode } = this.settings.current;
    const channels = colorMode === 'rgb' ? 3 : 1;
    const per = inputSize * inputSize * channels;
    const list = ids ? [...ids] : this.listPool().map((i) => i.id);
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
  /**
   * Grow the test split while a folder imports, so labeling can start before
   * the import ends (the view shows test images first, by the test cadence).
   * Looks at the images of `folderId` added after `afterId` (ids grow in walk
   * order) and returns the largest id it looked at:
   * - a test folder's images join the split as they are written;
   * - a pool folder's, when the project has no test folder, join it when their
   *   seeded hash rank is below a threshold set so that, with high probability,
   *   they are a subset of the split updateTestSplit makes at the end of the
   *   import (the `target` lowest ranks of a pool of about `expectedPool`
   *   images): target / expectedPool scaled down by 3 binomial standard
   *   deviations, never more than `target` images. So the split is an unbiased
   *   sample of the whole import, not of its first subfolders, and the end of
   *   the import only tops it up. Labeled images never join.
   */
  growTestSplitDuringImport(
    afterId: number,
    folderId: number,
    role: 'pool' | 'test',
    expectedPool: number,
    rank: (sha256: string, seed: number) => number,
  ): number {
    const last = (this.db.cached('SELECT MAX(id) FROM images').pluck().get() as number | null) ?? afterId;
    if (last <= afterId) return afterId;
    if (role === 'test') {
      this.db.cached('UPDATE images SET in_test_split = 1 WHERE id > ? AND id <= ? AND folder_id = ? AND in_test_split = 0').run(afterId, last, folderId);
      return last;
    }
    if (this.folders.hasTestFolder()) return last;
    const { testFraction, testMax, seed } = this.settings.current;
    const target = Math.min(Math.round(testFraction * expectedPool), testMax);
    const threshold = target > 0 ? (target / expectedPool) * Math.max(0, 1 - 3 / Math.sqrt(target)) : 0;
    if (threshold <= 0) return last;
    this.db.transaction(() => {
      let room =
        target - (this.db.cached("SELECT COUNT(*) FROM images WHERE status = 'ready' AND duplicate_of IS NULL AND in_test_split = 1").pluck().get() as number);
      const fresh = this.db
        .cached(
          `SELECT i.id, i.sha256 FROM images i WHERE i.id > ? AND i.id <= ? AND i.folder_id = ? AND i.status = 'ready' AND i.duplicate_of IS NULL
             AND i.in_test_split = 0 AND i.sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id)`,
        )
        .all(afterId, last, folderId) as { id: number; sha256: string }[];
      const upd = this.db.cached('UPDATE images SET in_test_split = 1 WHERE id = ?');
      for (const f of fresh) {
        if (room <= 0) break;
        if (rank(f.sha256, seed) < threshold) {
          upd.run(f.id);
          room--;
        }
      }
    });
    return last;
  }

  updateTestSplit(rank: (sha256: string, seed: number) => number): number {
    const { testFraction, testMax, seed } = this.settings.current;
    if (this.folders.hasTestFolder()) {
      return this.db.transaction(() => {
        this.db.exec(
          `UPDATE images SET in_test_split = (folder_id IN (SELECT id FROM folders WHERE role = 'test'))
           WHERE in_test_split != (folder_id IN (SELECT id FROM folders WHERE role = 'test'))`,
        );
        return this.listPool().filter((p) => p.inTestSplit).length;
      });
    }
    return this.db.transaction(() => {
      const pool = this.listPool();
      const target = Math.min(Math.round(testFraction * pool.length), testMax);
      const current = pool.filter((p) => p.inTestSplit).length;
      if (current >= target) return current;
      // The images with a current label (latest, not undone): the view current_labels.
      const labeled = new Set(this.db.prepare('SELECT image_id FROM current_labels').pluck().all() as number[]);
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
}
