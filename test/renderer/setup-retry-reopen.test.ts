/**
 * The annotator labels while the setup runs. When a step fails (here the
 * order) and Retry is pressed, the pipeline goes on with the project the
 * service still has open: the session stays, so undo still takes back a
 * label made before the retry.
 */
import { describe, expect, it } from 'vitest';
import { SetupPipeline } from '../../src/renderer/lib/setup-pipeline.js';
import type { DesktopApi } from '../../src/renderer/api/desktop-api.js';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';

describe('setup retry while labeling', () => {
  it('keeps the session: undo still takes back a label made before the retry', async () => {
    const { store, file } = syntheticProject(40, 3);
    store.close();
    const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
    let orderCalls = 0;
    const api = {
      transport: 'http',
      on: (event: string, fn: (p: unknown) => void) => svc.onEvent((e, p) => (e === event ? fn(p) : undefined)),
      invoke: async (op: string, req: unknown) => {
        if (op === 'order:run') {
          if (orderCalls++ === 0) throw new Error('order failed');
          return {};
        }
        return (svc.invoke as (o: string, r: unknown) => Promise<unknown>)(op, req);
      },
    } as unknown as DesktopApi;
    try {
      await svc.invoke('project:open', { path: file });
      const p = new SetupPipeline(api, { kind: 'open', projectPath: file });
      const settled = (): Promise<void> =>
        new Promise((resolve) => {
          const off = p.subscribe(() => {
            if (p.state.error || p.state.step === 'done') {
              off();
              resolve();
            }
          });
        });
      let s = settled();
      p.start();
      await s;
      expect(p.state.error).not.toBeNull();
      // meanwhile the annotator labels one image
      const [first] = await svc.invoke('queue:next', { count: 1 });
      await svc.invoke('label:set', { imageId: first!.imageId, angle: 10 as Degrees });
      s = settled();
      p.retry();
      await s;
      const undone = await svc.invoke('label:undo', {});
      expect(undone?.imageId).toBe(first!.imageId);
      p.dispose();
    } finally {
      svc.close();
    }
  });
});
