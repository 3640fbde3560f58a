/**
 * Regressions for defects found in review: each case failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

async function open(file: string, annotator = 'alice'): Promise<LabelerService> {
  const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator });
  await svc.invoke('project:open', { path: file });
  return svc;
}

describe('service edge cases: replaced embeddings, duplicates, undo scope, interleaved radii, stale orders', () => {
  it('embeddings can be replaced again and again while an order refers to an older set', () => {
    const { store, ids, data } = syntheticProject(20, 4);
    const save = (): number => store.saveEmbeddings({ modelId: null, source: 'x', backend: null, loss: null, ids, dim: 4, data, pca: null });
    const set2 = save();
    store.saveOrder({ strategy: 'random', seed: 1, embeddingSetId: set2, entries: ids.map((imageId) => ({ imageId, coverageRadius: null, arm: 'random' })) });
    save();
    save();
    expect(() => save()).not.toThrow();
    expect(store.activeOrder()?.length).toBe(20);
    store.close();
  });

  it('a label on an exact duplicate goes to its original; unreadable images cannot be labeled', async () => {
    const { store, file } = syntheticProject(10, 2);
    const testImage = store.listImages().find((i) => i.inTestSplit)!;
    const folderId = store.folderId(path.join(path.dirname(file), 'images'));
    const copy = store.insertImage({
      folderId,
      relPath: 'copy.png',
      absPath: path.join(path.dirname(file), 'images', 'copy.png'),
      sha256: testImage.sha256,
      sizeBytes: 1,
      width: 16,
      height: 16,
      status: 'ready',
      error: null,
      modelInput: new Uint8Array(256),
    });
    const broken = store.insertImage({
      folderId,
      relPath: 'broken.png',
      absPath: path.join(path.dirname(file), 'images', 'broken.png'),
      sha256: 'zzz',
      sizeBytes: 1,
      width: null,
      height: null,
      status: 'unreadable',
      error: 'not a supported image format',
      modelInput: null,
    });
    expect(store.getImage(copy)?.duplicateOf).toBe(testImage.id);
    store.close();
    const svc = await open(file);
    try {
      const l = await svc.invoke('label:set', { imageId: copy, angle: 123 as Degrees });
      expect(l.imageId).toBe(testImage.id);
      expect(l.arm).toBe('test');
      const st = await svc.invoke('project:status', {});
      expect(st.labeled).toBe(0); // the label is a test-split label, not a training label
      expect(st.testSplit.labeled).toBe(1);
      await expect(svc.invoke('label:set', { imageId: broken, angle: 5 as Degrees })).rejects.toThrow(
        /is unreadable \(not a supported image format\); only readable images can be labeled/,
      );
    } finally {
      svc.close();
    }
  });

  it("undo takes back only this annotator's own last label", async () => {
    const { store, file, ids } = syntheticProject(10, 2);
    store.close();
    const alice = await open(file, 'alice');
    const bob = await open(file, 'bob');
    try {
      await alice.invoke('label:set', { imageId: ids[0]! as ImageId, angle: 10 as Degrees });
      await bob.invoke('label:set', { imageId: ids[1]! as ImageId, angle: 20 as Degrees });
      const undone = await alice.invoke('label:undo', {});
      expect(undone?.imageId).toBe(ids[0]);
      const left = await bob.invoke('labels:list', {});
      expect(left.map((l) => [l.imageId, l.annotator])).toEqual([[ids[1], 'bob']]);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it("an interleaved queue records each entry's own coverage radius (brute force)", async () => {
    const n = 40;
    const d = 3;
    const { store, file, ids, data } = syntheticProject(n, d);
    const test = new Set(
      store
        .listImages()
        .filter((i) => i.inTestSplit)
        .map((i) => i.id),
    );
    store.close();
    const svc = await open(file);
    try {
      await svc.invoke('order:run', { strategy: 'interleaved', seed: 2 });
      const q = await svc.invoke('queue:next', { count: 12 });
      const row = new Map(ids.map((id, i) => [id, i]));
      expect(q[0]!.coverageRadius).toBeNull();
      for (let t = 1; t < q.length; t++) {
        const r = row.get(q[t]!.imageId)!;
        let best = Infinity;
        for (let u = 0; u < t; u++) {
          const o = row.get(q[u]!.imageId)!;
          let s = 0;
          for (let j = 0; j < d; j++) s += (data[r * d + j]! - data[o * d + j]!) ** 2;
          best = Math.min(best, Math.sqrt(s));
        }
        expect(q[t]!.coverageRadius).toBeCloseTo(best, 6);
        expect(test.has(q[t]!.imageId)).toBe(false);
      }
    } finally {
      svc.close();
    }
  });

  it('the order is stale after new images arrive or the embeddings change', () => {
    const { store, ids, data } = syntheticProject(12, 2);
    const setId = store.embeddingInfo() ? (projectSqlite(store).prepare('SELECT id FROM embedding_sets WHERE active = 1').pluck().get() as number) : null;
    const pool = store
      .listPoolImages()
      .filter((i) => !i.inTestSplit)
      .map((i) => i.id);
    store.saveOrder({ strategy: 'random', seed: 1, embeddingSetId: setId, entries: pool.map((imageId) => ({ imageId, coverageRadius: null, arm: 'random' })) });
    expect(store.orderIsStale()).toBe(false);
    const folderId = store.folderId('/nowhere');
    store.insertImage({
      folderId,
      relPath: 'new.png',
      absPath: '/nowhere/new.png',
      sha256: 'new',
      sizeBytes: 1,
      width: 16,
      height: 16,
      status: 'ready',
      error: null,
      modelInput: new Uint8Array(256),
    });
    expect(store.orderIsStale()).toBe(true);
    store.saveOrder({
      strategy: 'random',
      seed: 1,
      embeddingSetId: setId,
      entries: store
        .listPoolImages()
        .filter((i) => !i.inTestSplit)
        .map((i) => ({ imageId: i.id, coverageRadius: null, arm: 'random' })),
    });
    expect(store.orderIsStale()).toBe(false);
    store.saveEmbeddings({ modelId: null, source: 'again', backend: null, loss: null, ids, dim: 2, data, pca: null });
    expect(store.orderIsStale()).toBe(true);
    store.close();
  });
});
