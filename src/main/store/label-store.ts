/** Labels (append-only with undo), skips and the label counts. */
import { AppError } from '../../shared/errors.js';
import { wrapDegrees, periodOf } from '../../shared/angle.js';
import type { ImageId, ImageRecord, LabelId, LabelRecord, LabelValue } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import type { ImageStore } from './image-store.js';
import { now, toLabel, type LabelRow } from './rows.js';
import type { SettingsStore } from './settings-store.js';
import type { NewLabel } from './store-types.js';

export class LabelStore {
  constructor(
    private readonly db: ProjectDatabase,
    private readonly settings: SettingsStore,
    private readonly images: ImageStore,
  ) {}

  /**
   * The image a label given for `img` belongs to: `img` itself, or, when it
   * is an exact duplicate (duplicate_of set: same SHA-256 as an earlier ready
   * image; duplicates are not in the pool), its original. The two share their
   * pixels, so one label describes both, and a copy of a test-split image can
   * never put a label into the training set. Falls back to `img` when the
   * original is not found. add stores every label on this image; callers
   * that need the target before storing (the label's arm, an import's check
   * for two rows on one image) call this, never their own mapping.
   * @param lookup finds an image by id (default: the image store; an
   *   import passes its in-memory index to avoid one query per row).
   */
  target(img: ImageRecord, lookup: (id: ImageId) => ImageRecord | null = (id) => this.images.get(id)): ImageRecord {
    return img.duplicateOf === null ? img : (lookup(img.duplicateOf) ?? img);
  }

  /**
   * Store a label (committed when this returns). The angle is wrapped into
   * [0, period); "none" records "no orientation / not applicable". A label
   * given for an exact duplicate is stored on its original (see target):
   * the returned record's imageId is the original's id.
   * @throws AppError('not-found') for an unknown image.
   */
  add(input: NewLabel): LabelRecord {
    const given = this.images.get(input.imageId);
    if (!given) throw new AppError('not-found', `no image with id ${input.imageId} in this project`);
    const value: LabelValue =
      input.value.kind === 'angle' ? { kind: 'angle', angle: wrapDegrees(input.value.angle, periodOf(this.settings.current.axial)) } : input.value;
    return this.insert({ ...input, imageId: this.target(given).id, value });
  }

  /**
   * Store a label already decided by the label policy (src/main/policy): on
   * its target image, the angle wrapped. Nothing is checked or mapped again
   * (add does that for writers without the policy: imports, tests).
   */
  insert(input: NewLabel): LabelRecord {
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

  /** Add many labels in one transaction: all or nothing. */
  addMany(inputs: readonly NewLabel[]): number {
    return this.db.transaction(() => {
      for (const i of inputs) this.add(i);
      return inputs.length;
    });
  }

  /** Undo the most recent label that is not undone yet (the previous label of that image, if any, applies again). */
  undoLast(annotator?: string): LabelRecord | null {
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
  undo(id: LabelId): LabelRecord | null {
    const row = this.db.prepare('SELECT * FROM labels WHERE id = ? AND undone_at IS NULL').get(id) as LabelRow | undefined;
    if (!row) return null;
    this.db.prepare('UPDATE labels SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(now(), row.id);
    return toLabel(row);
  }

  /** The current label of every labeled image (latest, not undone), by label id. */
  current(): LabelRecord[] {
    return (this.db.prepare('SELECT * FROM current_labels ORDER BY id').all() as LabelRow[]).map(toLabel);
  }

  currentOf(imageId: ImageId): LabelRecord | null {
    const r = this.db.prepare('SELECT * FROM labels WHERE image_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1').get(imageId) as LabelRow | undefined;
    return r ? toLabel(r) : null;
  }

  /** Whether an image has ever been labeled (any label row, undone ones included). */
  hasHistory(id: ImageId): boolean {
    return this.db.cached('SELECT 1 FROM labels WHERE image_id = ? LIMIT 1').pluck().get(id) !== undefined;
  }

  skip(imageId: ImageId): void {
    this.db.prepare('INSERT OR REPLACE INTO skips(image_id, skipped_at) VALUES (?, ?)').run(imageId, now());
  }

  /**
   * Counts of current labels (latest, not undone): labeled = of images outside
   * the test split, labeledNone = "no orientation" labels, testLabeled = of
   * test-split images. Reads the labels and their images only (cheap at any
   * project size; label:set uses it instead of status()).
   */
  counts(): { labeled: number; labeledNone: number; testLabeled: number } {
    const r = this.db
      .cached(
        `SELECT COALESCE(SUM(i.in_test_split = 0), 0) AS labeled, COALESCE(SUM(c.no_orientation = 1), 0) AS labeledNone,
              COALESCE(SUM(i.in_test_split = 1), 0) AS testLabeled
       FROM current_labels c JOIN images i ON i.id = c.image_id`,
      )
      .get() as { labeled: number; labeledNone: number; testLabeled: number };
    return { labeled: r.labeled, labeledNone: r.labeledNone, testLabeled: r.testLabeled };
  }
}
