/**
 * The provisional queue (before the first order) against a brute-force
 * reference over the raw tables: ready, not duplicate, not test-split,
 * unlabeled images by (id * 2654435761) mod 4294967311 computed here in BigInt,
 * skipped ones last by skip time; its size in the status; and the switch to
 * the stored order, which keeps every label.
 */
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { seededHashUnit } from '../../src/shared/random.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';
import { tempDir } from '../helpers/synthetic-project.js';

const stores: ProjectStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

function key(id: number): bigint {
  return (BigInt(id) * 2654435761n) % 4294967311n;
}

/** A project with n ready images and no embeddings or order, as right after (or during) an import. */
function importedProject(n: number): { store: ProjectStore; ids: ImageId[] } {
  const dir = tempDir();
  const store = ProjectStore.create(path.join(dir, 'p.nlproj'), { inputSize: 16 });
  stores.push(store);
  const folderId = store.folderId(path.join(dir, 'images'));
  const ids = store.transaction(() =>
    Array.from({ length: n }, (_, i) =>
      store.insertImage({
        folderId,
        relPath: `img-${i}.png`,
        absPath: path.join(dir, 'images', `img-${i}.png`),
        // images 0 and 1 have the same content: 1 is an exact duplicate of 0
        sha256: `sha-${i === 1 ? 0 : i}`,
        sizeBytes: 1,
        width: 16,
        height: 16,
        status: 'ready',
        error: null,
        modelInput: new Uint8Array(256),
      }),
    ),
  );
  store.updateTestSplit(seededHashUnit);
  return { store, ids };
}

function reference(store: ProjectStore): number[] {
  const db = projectSqlite(store);
  const rows = db.prepare('SELECT id, status, duplicate_of, in_test_split FROM images').all() as {
    id: number;
    status: string;
    duplicate_of: number | null;
    in_test_split: number;
  }[];
  const labeled = new Set(db.prepare('SELECT image_id FROM labels WHERE undone_at IS NULL').pluck().all() as number[]);
  const skips = new Map(
    (db.prepare('SELECT image_id, skipped_at FROM skips').all() as { image_id: number; skipped_at: string }[]).map((r) => [r.image_id, r.skipped_at]),
  );
  const ok = rows.filter((r) => r.status === 'ready' && r.duplicate_of === null && r.in_test_split === 0 && !labeled.has(r.id)).map((r) => r.id);
  const byKey = (a: number, b: number): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const free = ok.filter((id) => !skips.has(id)).sort(byKey);
  const skipped = ok.filter((id) => skips.has(id)).sort((a, b) => (skips.get(a)! < skips.get(b)! ? -1 : skips.get(a)! > skips.get(b)! ? 1 : byKey(a, b)));
  return [...free, ...skipped];
}

describe('the provisional queue', () => {
  it('equals the brute-force queue before the first order, skipped images last, and the status counts it', () => {
    const { store, ids } = importedProject(300);
    expect(store.hasActiveOrder()).toBe(false);
    store.setImageStatus(ids[5]!, 'unreadable', 'bad');
    store.setImageStatus(ids[6]!, 'missing', 'gone');
    const pool = reference(store);
    for (let i = 0; i < 25; i++) store.addLabel({ imageId: pool[i * 3]! as ImageId, value: { kind: 'angle', angle: i as Degrees }, annotator: 't' });
    store.undoLastLabel();
    store.skipImage(pool[100]! as ImageId);
    projectSqlite(store).prepare('UPDATE skips SET skipped_at = ? WHERE image_id = ?').run('2026-01-02T00:00:00.000Z', pool[100]);
    store.skipImage(pool[7]! as ImageId);
    projectSqlite(store).prepare('UPDATE skips SET skipped_at = ? WHERE image_id = ?').run('2026-01-01T00:00:00.000Z', pool[7]);

    const ref = reference(store);
    expect(ref.length).toBe(pool.length - 24);
    expect(ref.slice(-2)).toEqual([pool[7], pool[100]]);
    for (const [count, offset] of [
      [1, 0],
      [4, 0],
      [30, 12],
      [ref.length + 3, 0],
      [3, ref.length - 2],
    ] as const) {
      const got = store.queue(count, offset);
      expect(got.map((q) => q.imageId)).toEqual(ref.slice(offset, offset + count));
      expect(got.map((q) => q.rank)).toEqual(got.map((_, k) => offset + k));
      for (const q of got) expect([q.coverageRadius, q.arm]).toEqual([null, 'none']);
    }
    expect(store.status().provisional).toEqual({ remaining: ref.length });
    expect(store.status().order).toBeNull();
  });

  it('spreads its first images over the whole import, unlike its first rows', () => {
    const { store, ids } = importedProject(1000);
    const first = store.queue(10).map((q) => ids.indexOf(q.imageId));
    // which tenth of the import each of the first ten images comes from: a random order hits about 6.5 of 10
    expect(new Set(first.map((i) => Math.floor(i / 100))).size).toBeGreaterThanOrEqual(8);
  });

  it('gives way to the first stored order, keeping every label', () => {
    const { store } = importedProject(120);
    const early = store.queue(5).map((q) => q.imageId);
    for (const id of early.slice(0, 3)) store.addLabel({ imageId: id, value: { kind: 'angle', angle: 10 as Degrees }, annotator: 't' });
    const unlabeled = reference(store);
    const order = [...unlabeled].reverse();
    store.saveOrder({
      strategy: 'fps',
      seed: 1,
      embeddingSetId: null,
      entries: order.map((imageId) => ({ imageId: imageId as ImageId, coverageRadius: 1, arm: 'novelty' })),
    });
    expect(store.queue(4).map((q) => q.imageId)).toEqual(order.slice(0, 4));
    expect(store.status().provisional).toBeNull();
    expect(store.status().labeled).toBe(3);
    expect(
      store
        .currentLabels()
        .map((l) => l.imageId)
        .sort((a, b) => a - b),
    ).toEqual(early.slice(0, 3).sort((a, b) => a - b));
  });

  it('reads the next entries from the index: the query plan sorts nothing', () => {
    const { store } = importedProject(50);
    const plan = projectSqlite(store)
      .prepare(
        `EXPLAIN QUERY PLAN SELECT i.id FROM images i INDEXED BY images_provisional WHERE i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0
         ORDER BY ((i.id * 2654435761) % 4294967311) LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
