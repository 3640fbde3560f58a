/** The project at a glance (project:status), read from every concept store. */
import type { ProjectStatus } from '../../shared/types.js';
import type { CurveStore } from './curve-store.js';
import type { ProjectDatabase } from './database.js';
import type { EmbeddingStore } from './embedding-store.js';
import type { FolderStore } from './folder-store.js';
import type { LabelStore } from './label-store.js';
import type { OrderStore } from './order-store.js';
import type { SettingsStore } from './settings-store.js';

export interface StatusSources {
  readonly db: ProjectDatabase;
  readonly settings: SettingsStore;
  readonly folders: FolderStore;
  readonly labels: LabelStore;
  readonly embeddings: EmbeddingStore;
  readonly orders: OrderStore;
  readonly curve: CurveStore;
}

/**
 * The project at a glance. The image counts are a whole-table COUNT (done
 * from the b-tree pages) and ranges of the images_state index that hold
 * only the rare states (unreadable, missing, duplicate, test split), never
 * a pass over the images table with its blobs: a few ms at 100,000 images
 * (bench/large-project.ts).
 */
export function projectStatus(s: StatusSources): ProjectStatus {
  const states = "status IN ('ready', 'unreadable', 'missing')"; // every status (CHECK constraint): lets the index ranges apply
  const img = s.db
    .cached(
      `SELECT (SELECT COUNT(*) FROM images) AS total,
            (SELECT COUNT(*) FROM images WHERE status = 'unreadable') AS unreadable,
            (SELECT COUNT(*) FROM images WHERE status = 'missing') AS missing,
            (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NOT NULL) AS duplicates,
            (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NULL AND in_test_split = 1)
              + (SELECT COUNT(*) FROM images WHERE ${states} AND duplicate_of IS NOT NULL AND in_test_split = 1) AS test`,
    )
    .get() as { total: number; unreadable: number; missing: number; duplicates: number; test: number };
  const labels = s.labels.counts();
  const order = s.orders.active();
  return {
    path: s.db.path,
    settings: s.settings.current,
    images: { ready: img.total - img.unreadable - img.missing, unreadable: img.unreadable, missing: img.missing, total: img.total },
    duplicates: img.duplicates,
    labeled: labels.labeled,
    labeledNone: labels.labeledNone,
    testSplit: {
      size: img.test,
      labeled: labels.testLabeled,
      folders: s.folders
        .list()
        .filter((f) => f.role === 'test')
        .map((f) => f.path),
    },
    embedding: s.embeddings.info(),
    order: order ? { strategy: order.strategy, seed: order.seed, length: order.length, remaining: s.orders.remainingIn(order.id, order.length) } : null,
    provisional: order ? null : { remaining: s.orders.provisionalRemaining() },
    curve: s.curve.points(),
    compareVerdict: s.curve.compareVerdict(),
  };
}
