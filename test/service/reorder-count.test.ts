/**
 * The background reorder comes every 20 labels so the queue stays seeded with
 * every label. The order job reads the labels when it starts ("ordering ..."
 * progress); labels made while it computes are not among its seeds, so the
 * next reorder is due 20 labels after the seeds, not after the labels made
 * by the time the order was saved.
 */
import { describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';

describe('background reorder count', () => {
  it('reorders again 20 labels after the labels the last order was seeded with', async () => {
    const { store, file } = syntheticProject(6000, 16);
    store.close();
    const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester', autoEvaluate: true });
    try {
      await svc.invoke('project:open', { path: file });
      await svc.invoke('order:run', { strategy: 'fps', seed: 1 });
      const queue = (await svc.invoke('queue:next', { count: 60 })).map((e) => e.imageId);
      const label = async (id: ImageId): Promise<void> => {
        await svc.invoke('label:set', { imageId: id, angle: 0 as Degrees });
      };
      let started = 0;
      let changed = 0;
      let seeded: (() => void) | null = null;
      const seededNow = new Promise<void>((r) => (seeded = r));
      let saved: (() => void) | null = null;
      const savedNow = new Promise<void>((r) => (saved = r));
      svc.onEvent((event, payload) => {
        const p = payload as { stage?: string; message?: string };
        if (event === 'job:progress' && p.stage === 'order' && p.message === 'order started') started++;
        if (event === 'job:progress' && p.stage === 'order' && p.message?.startsWith('ordering')) seeded?.();
        if (event === 'order:changed') {
          changed++;
          saved?.();
        }
      });
      for (const id of queue.slice(0, 20)) await label(id); // the 20th starts the background reorder
      await seededNow; // it has read its 20 seed labels
      for (const id of queue.slice(20, 25)) await label(id); // labeled while it computes: not seeds
      expect(changed).toBe(0); // (the test's premise: these 5 came before the new order was saved)
      await savedNow;
      expect(started).toBe(1);
      // 20 labels after the 20 seeds: the next reorder is due
      for (const id of queue.slice(25, 40)) await label(id);
      await new Promise((r) => setTimeout(r, 200));
      expect(started).toBe(2);
    } finally {
      svc.close();
    }
  }, 60_000);
});
