/**
 * The service behind every UI: labels are durable when label:set resolves,
 * undo restores, skips go last, the test split never enters the queue, the
 * novelty order matches furthest point sampling seeded with the labels, and
 * an interleaved queue tags each pick with its arm.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';

/** Brute-force furthest point sampling, written independently of src/main/selection. */
function bruteForceFps(data: Float32Array, n: number, d: number, labeled: number[], k: number): number[] {
  const chosen = [...labeled];
  const order: number[] = [];
  while (order.length < k) {
    let best = -1;
    let bestDist = -1;
    for (let i = 0; i < n; i++) {
      if (chosen.includes(i)) continue;
      let nearest = Infinity;
      for (const c of chosen) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (data[i * d + j]! - data[c * d + j]!) ** 2;
        nearest = Math.min(nearest, s);
      }
      if (nearest > bestDist) {
        bestDist = nearest;
        best = i;
      }
    }
    chosen.push(best);
    order.push(best);
  }
  return order;
}

async function serviceFor(file: string): Promise<LabelerService> {
  const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
  await svc.invoke('project:open', { path: file });
  return svc;
}

describe('LabelerService', () => {
  it('commits a label before label:set resolves; undo and skip behave', async () => {
    const { store, file } = syntheticProject(40, 4);
    store.close();
    const svc = await serviceFor(file);
    try {
      await svc.invoke('order:run', { strategy: 'random', seed: 3 });
      const [a, b, c] = await svc.invoke('queue:next', { count: 3 });
      await svc.invoke('label:set', { imageId: a!.imageId, angle: 370 as Degrees, durationMs: 1234 });
      // Another connection (another process would do the same) sees it at once.
      const other = new Database(file, { readonly: true });
      const row = other.prepare('SELECT angle_deg, annotator, duration_ms FROM labels WHERE image_id = ?').get(a!.imageId) as {
        angle_deg: number;
        annotator: string;
        duration_ms: number;
      };
      other.close();
      expect(row).toEqual({ angle_deg: 10, annotator: 'tester', duration_ms: 1234 });

      await svc.invoke('label:set', { imageId: b!.imageId, angle: null });
      const undone = await svc.invoke('label:undo', {});
      expect(undone?.imageId).toBe(b!.imageId);
      // the undone label names its image, so a view without history (after a reload) can show it again
      expect(undone?.image).toEqual({ path: b!.path, relPath: b!.relPath, width: b!.width, height: b!.height });
      const q = await svc.invoke('queue:next', { count: 2 });
      expect(q.map((e) => e.imageId)).toEqual([b!.imageId, c!.imageId]);

      await svc.invoke('label:skip', { imageId: b!.imageId });
      const all = await svc.invoke('queue:next', { count: 1000 });
      expect(all[0]!.imageId).toBe(c!.imageId);
      expect(all[all.length - 1]!.imageId).toBe(b!.imageId);
      await expect(svc.invoke('label:set', { imageId: 99999 as ImageId, angle: 5 as Degrees })).rejects.toThrow(/no image with id 99999/);
      await expect(svc.invoke('label:set', { imageId: c!.imageId, angle: Number.NaN as Degrees })).rejects.toThrow(/angle must be a number/);
    } finally {
      svc.close();
    }
  });

  it('novelty order is furthest point sampling seeded with the labels; test images never queued', async () => {
    const n = 60;
    const d = 3;
    const { store, file, ids, data } = syntheticProject(n, d);
    const testIds = new Set(
      store
        .listImages()
        .filter((i) => i.inTestSplit)
        .map((i) => i.id),
    );
    expect(testIds.size).toBe(6);
    const poolRows = ids.map((id, row) => ({ id, row })).filter((x) => !testIds.has(x.id));
    // label two pool images first
    for (const x of poolRows.slice(0, 2)) store.addLabel({ imageId: x.id, value: { kind: 'angle', angle: 0 as Degrees }, annotator: 't' });
    store.close();
    const svc = await serviceFor(file);
    try {
      await svc.invoke('order:run', { strategy: 'fps', seed: 1 });
      const q = await svc.invoke('queue:next', { count: 10 });
      for (const e of q) expect(testIds.has(e.imageId)).toBe(false);
      // reference over the pool rows only (the test split is held out)
      const poolData = new Float32Array(poolRows.length * d);
      poolRows.forEach((x, i) => poolData.set(data.subarray(x.row * d, (x.row + 1) * d), i * d));
      const expected = bruteForceFps(poolData, poolRows.length, d, [0, 1], 10).map((i) => poolRows[i]!.id);
      expect(q.map((e) => e.imageId)).toEqual(expected);
      // radii are the distances to the nearest earlier pick or label, non-increasing
      for (let i = 1; i < q.length; i++) expect(q[i]!.coverageRadius!).toBeLessThanOrEqual(q[i - 1]!.coverageRadius!);
    } finally {
      svc.close();
    }
  });

  it('interleaved queue alternates novelty and random picks and tags labels with the arm', async () => {
    const { store, file } = syntheticProject(50, 4);
    store.close();
    const svc = await serviceFor(file);
    try {
      await svc.invoke('project:set-strategy', { strategy: 'interleaved' });
      const q = await svc.invoke('queue:next', { count: 6 });
      expect(q.map((e) => e.arm)).toEqual(['novelty', 'random', 'novelty', 'random', 'novelty', 'random']);
      expect(new Set(q.map((e) => e.imageId)).size).toBe(6);
      const l = await svc.invoke('label:set', { imageId: q[1]!.imageId, angle: 90 as Degrees });
      expect(l.arm).toBe('random');
      const st = await svc.invoke('project:status', {});
      expect(st.settings.strategy).toBe('interleaved');
      expect(st.order?.strategy).toBe('interleaved');
    } finally {
      svc.close();
    }
  });

  it('in the app, the queue is recomputed in the background after 20 labels, seeded with them', async () => {
    const n = 80;
    const d = 3;
    const { store, file, ids, data } = syntheticProject(n, d);
    const testIds = new Set(
      store
        .listImages()
        .filter((i) => i.inTestSplit)
        .map((i) => i.id),
    );
    store.close();
    const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester', autoEvaluate: true });
    try {
      await svc.invoke('project:open', { path: file });
      await svc.invoke('order:run', { strategy: 'fps', seed: 1 });
      // label 20 images from the END of the queue (out of novelty order)
      const queue = await svc.invoke('queue:next', { count: 1000 });
      const picked = queue.slice(-20);
      const reordered = new Promise<void>((resolve) => {
        svc.onEvent((event) => {
          if (event === 'order:changed') resolve();
        });
      });
      for (const e of picked) await svc.invoke('label:set', { imageId: e.imageId, angle: 0 as Degrees });
      await reordered;
      const poolRows = ids.map((id, row) => ({ id, row })).filter((x) => !testIds.has(x.id));
      const poolData = new Float32Array(poolRows.length * d);
      poolRows.forEach((x, i) => poolData.set(data.subarray(x.row * d, (x.row + 1) * d), i * d));
      const labeledRows = picked.map((e) => poolRows.findIndex((x) => x.id === e.imageId));
      const expected = bruteForceFps(poolData, poolRows.length, d, labeledRows, 5).map((i) => poolRows[i]!.id);
      const next = await svc.invoke('queue:next', { count: 5 });
      expect(next.map((e) => e.imageId)).toEqual(expected);
    } finally {
      svc.close();
    }
  });
});
