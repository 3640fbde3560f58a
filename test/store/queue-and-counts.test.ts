/**
 * ProjectStore.queue, queueRemaining, labelCounts, poolSize, status and saveOrder (rewritten for
 * speed at 100,000 images, see bench/large-project.ts) against a brute-force
 * reference computed in TypeScript from the raw tables: unlabeled, ready, not
 * duplicate, not test-split entries in rank order, skipped ones last by skip
 * time then rank; undone labels do not count; a relabel counts once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { mulberry32, seededShuffle } from '../../src/shared/random.js';
import { SAVE_ORDER_CHUNK, type ProjectStore } from '../../src/main/store/project-store.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

interface RawImage {
  id: number;
  status: string;
  duplicate_of: number | null;
  in_test_split: number;
  abs_path: string;
}
interface RawLabel {
  id: number;
  image_id: number;
  undone_at: string | null;
  no_orientation: number;
}

/** The queue by brute force over the raw tables. */
function referenceQueue(store: ProjectStore): number[] {
  const db = projectSqlite(store);
  const orderId = db.prepare('SELECT id FROM orders WHERE active = 1').pluck().get() as number;
  const entries = db.prepare('SELECT rank, image_id FROM order_entries WHERE order_id = ?').all(orderId) as { rank: number; image_id: number }[];
  const images = new Map((db.prepare('SELECT id, status, duplicate_of, in_test_split, abs_path FROM images').all() as RawImage[]).map((r) => [r.id, r]));
  const labeled = currentLabels(db.prepare('SELECT id, image_id, undone_at, no_orientation FROM labels').all() as RawLabel[]);
  const skips = new Map(
    (db.prepare('SELECT image_id, skipped_at FROM skips').all() as { image_id: number; skipped_at: string }[]).map((r) => [r.image_id, r.skipped_at]),
  );
  const ok = entries.filter((e) => {
    const img = images.get(e.image_id)!;
    return img.status === 'ready' && img.duplicate_of === null && img.in_test_split === 0 && !labeled.has(e.image_id);
  });
  const free = ok.filter((e) => !skips.has(e.image_id)).sort((a, b) => a.rank - b.rank);
  const skipped = ok
    .filter((e) => skips.has(e.image_id))
    .sort((a, b) => (skips.get(a.image_id)! < skips.get(b.image_id)! ? -1 : skips.get(a.image_id)! > skips.get(b.image_id)! ? 1 : a.rank - b.rank));
  return [...free, ...skipped].map((e) => e.image_id);
}

/** image id -> its current label (latest not undone). */
function currentLabels(rows: RawLabel[]): Map<number, RawLabel> {
  const m = new Map<number, RawLabel>();
  for (const r of [...rows].sort((a, b) => a.id - b.id)) if (r.undone_at === null) m.set(r.image_id, r);
  return m;
}

const stores: ProjectStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

function busyProject(): { store: ProjectStore; ids: ImageId[] } {
  const { store, ids } = syntheticProject(240, 3);
  stores.push(store);
  const r = mulberry32(42);
  // An exact duplicate of the first image, a missing and an unreadable image.
  const dir = path.dirname(store.getImage(ids[0]!)!.path);
  const dup = store.insertImage({
    folderId: store.listFolders()[0]!.id,
    relPath: 'dup.png',
    absPath: path.join(dir, 'dup.png'),
    sha256: 'sha-0',
    sizeBytes: 1,
    width: 16,
    height: 16,
    status: 'ready',
    error: null,
    modelInput: new Uint8Array(256),
  });
  expect(store.getImage(dup)!.duplicateOf).toBe(ids[0]);
  // Order over every image (including the ones that must not be queued), then change states.
  const all = seededShuffle([...ids, dup], 9);
  store.saveOrder({ strategy: 'fps', seed: 9, embeddingSetId: null, entries: all.map((imageId) => ({ imageId, coverageRadius: r(), arm: 'novelty' })) });
  store.setImageStatus(all[1]!, 'missing', 'gone');
  store.setImageStatus(all[2]!, 'unreadable', 'bad');
  for (let i = 3; i < 60; i++) {
    store.addLabel({ imageId: all[i]!, value: i % 7 === 0 ? { kind: 'none' } : { kind: 'angle', angle: (i * 13) as Degrees }, annotator: 't' });
  }
  store.addLabel({ imageId: all[10]!, value: { kind: 'angle', angle: 5 as Degrees }, annotator: 't' }); // relabel: counts once
  store.undoLastLabel(); // the relabel: the earlier label of all[10] applies again
  store.addLabel({ imageId: all[59]!, value: { kind: 'angle', angle: 9 as Degrees }, annotator: 't' });
  projectSqlite(store).prepare('UPDATE labels SET undone_at = ? WHERE image_id = ?').run('2026-01-01T00:00:00.000Z', all[58]); // all labels of all[58] undone
  // Skips: two with the same time (rank breaks the tie), one earlier, one on a labeled image.
  for (const [k, at] of [
    [70, '2026-01-02T00:00:00.000Z'],
    [65, '2026-01-02T00:00:00.000Z'],
    [90, '2026-01-01T00:00:00.000Z'],
    [20, '2026-01-01T00:00:00.000Z'],
  ] as const) {
    store.skipImage(all[k]!);
    projectSqlite(store).prepare('UPDATE skips SET skipped_at = ? WHERE image_id = ?').run(at, all[k]);
  }
  return { store, ids };
}

describe('ProjectStore queue and counts', () => {
  it('queue(count, offset) equals the brute-force queue, skipped entries last', () => {
    const { store } = busyProject();
    const ref = referenceQueue(store);
    const n = ref.length;
    expect(n).toBeGreaterThan(100);
    for (const [count, offset] of [
      [1, 0],
      [3, 0],
      [50, 10],
      [n, 0],
      [n + 5, 0],
      [5, n - 3],
      [4, n + 2],
      [0, 0],
    ] as const) {
      expect(store.queue(count, offset).map((q) => q.imageId)).toEqual(ref.slice(offset, offset + count));
    }
    // The three skipped queueable images come last: earliest skip first, then by rank on a tie.
    const tail = store.queue(3, n - 3).map((q) => q.rank);
    expect(tail).toEqual([90, 65, 70]);
    expect(store.queueRemaining()).toBe(n);
  });

  it('labelCounts and status count what the raw tables hold', () => {
    const { store } = busyProject();
    const db = projectSqlite(store);
    const images = db.prepare('SELECT id, status, duplicate_of, in_test_split, abs_path FROM images').all() as RawImage[];
    const current = currentLabels(db.prepare('SELECT id, image_id, undone_at, no_orientation FROM labels').all() as RawLabel[]);
    const test = new Set(images.filter((i) => i.in_test_split === 1).map((i) => i.id));
    const st = store.status();
    expect(st.images).toEqual({
      ready: images.filter((i) => i.status === 'ready').length,
      unreadable: 1,
      missing: 1,
      total: images.length,
    });
    expect(st.duplicates).toBe(1);
    expect(store.poolSize()).toBe(images.filter((i) => i.status === 'ready' && i.duplicate_of === null).length);
    expect(st.testSplit.size).toBe(test.size);
    expect(current.size).toBe(56); // 57 labeled images (ranks 3..59) minus all[58], whose labels were all undone
    const labeled = [...current.keys()].filter((id) => !test.has(id)).length;
    expect(labeled).toBeLessThan(56); // some labeled images are in the test split
    expect(st.labeled).toBe(labeled);
    expect(st.labeledNone).toBe([...current.values()].filter((l) => l.no_orientation === 1).length);
    expect(store.labelCounts()).toEqual({ labeled, labeledNone: st.labeledNone, testLabeled: [...current.keys()].filter((id) => test.has(id)).length });
    expect(st.order!.remaining).toBe(referenceQueue(store).length);
  });
});

describe('ProjectStore.saveOrder', () => {
  it('replaces the active order in chunks: one order left, entries in rank order, readers never see a partial order', () => {
    const { store, ids } = syntheticProject(5000, 2, { testFraction: 0 });
    stores.push(store);
    expect(SAVE_ORDER_CHUNK).toBeLessThan(ids.length); // several chunks
    const first = seededShuffle(ids, 1);
    store.saveOrder({ strategy: 'random', seed: 1, embeddingSetId: null, entries: first.map((imageId) => ({ imageId, coverageRadius: null, arm: 'random' })) });
    // A partial order being written by another process (active = -1, fresh) and a crash leftover (an hour old).
    const ins = projectSqlite(store).prepare("INSERT INTO orders(strategy, seed, params, created_at, active) VALUES ('fps', 0, '{}', ?, -1)");
    const fresh = Number(ins.run(new Date().toISOString()).lastInsertRowid);
    const old = Number(ins.run('2000-01-01T00:00:00.000Z').lastInsertRowid);
    const entry = projectSqlite(store).prepare("INSERT INTO order_entries(order_id, rank, image_id, arm) VALUES (?, ?, ?, 'novelty')");
    for (let r = 0; r < 10; r++) {
      entry.run(fresh, r, ids[r]);
      entry.run(old, r, ids[r]);
    }
    // Readers see the complete active order only.
    expect(store.activeOrder()!.length).toBe(5000);
    expect(store.queueRemaining()).toBe(5000);
    expect(store.queue(3).map((q) => q.imageId)).toEqual(first.slice(0, 3));

    const second = seededShuffle(ids, 2);
    const id = store.saveOrder({
      strategy: 'fps',
      seed: 2,
      embeddingSetId: null,
      entries: second.map((imageId, i) => ({ imageId, coverageRadius: 5000 - i, arm: 'novelty' })),
    });
    const orders = projectSqlite(store).prepare('SELECT id, active FROM orders ORDER BY id').all() as { id: number; active: number }[];
    expect(orders).toEqual([
      { id: fresh, active: -1 },
      { id, active: 1 },
    ]);
    const rows = projectSqlite(store).prepare('SELECT rank, image_id, coverage_radius FROM order_entries WHERE order_id = ? ORDER BY rank').all(id) as {
      rank: number;
      image_id: number;
      coverage_radius: number;
    }[];
    expect(rows.map((r) => r.image_id)).toEqual(second);
    expect(rows.map((r) => r.rank)).toEqual(second.map((_, i) => i));
    expect(rows[4999]!.coverage_radius).toBe(1);
    expect(projectSqlite(store).prepare('SELECT COUNT(*) FROM order_entries WHERE order_id NOT IN (?, ?)').pluck().get(id, fresh)).toBe(0);
    expect(store.activeOrder()).toMatchObject({ id, strategy: 'fps', seed: 2, length: 5000 });
    expect(store.queue(2, 4998).map((q) => q.imageId)).toEqual(second.slice(4998));
  });
});
