/**
 * Labeling starts before the first order. In the app (autoEvaluate) the
 * service also reorders in the background every 20 labels once embeddings
 * exist; while the setup's own order:run runs, a label that crosses the
 * threshold must not start a second order job on the same project.
 */
import { describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';

describe('background reorder while the setup computes the first order', () => {
  it('runs at most one order job at a time', async () => {
    const { store, file } = syntheticProject(80, 3);
    store.close();
    const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester', autoEvaluate: true });
    try {
      await svc.invoke('project:open', { path: file });
      let running = 0;
      let most = 0;
      svc.onEvent((event, payload) => {
        const p = payload as { stage?: string; message?: string };
        if (p.stage !== 'order') return;
        if (event === 'job:progress' && p.message === 'order started') most = Math.max(most, ++running);
        if (event === 'job:done') running--;
      });
      // 19 labels from the provisional queue (as while the import and embedding ran)
      const early = await svc.invoke('queue:next', { count: 20 });
      for (const e of early.slice(0, 19)) await svc.invoke('label:set', { imageId: e.imageId, angle: 0 as Degrees });
      // the setup's order step starts; the annotator labels one more image meanwhile
      const setupOrder = svc.invoke('order:run', {});
      await svc.invoke('label:set', { imageId: early[19]!.imageId, angle: 0 as Degrees });
      await setupOrder;
      await new Promise((r) => setTimeout(r, 3000)); // let a background job finish
      expect(most).toBe(1);
    } finally {
      svc.close();
    }
  }, 30_000);
});
