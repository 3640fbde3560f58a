/**
 * Undo is scoped to the session (window or process) that made the label:
 * the app labels one image, the CLI (another process, same annotator name)
 * labels another, and the app's undo takes back the app's label only.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { cliEnv, cliOk, currentLabels, tempRoot } from './fault-helpers.js';

let app: LabelerService | null = null;
afterAll(() => app?.close());

describe('undo across processes', () => {
  it("the app's undo takes back the app's label, not the CLI's later one made under the same annotator name", async () => {
    const root = tempRoot('nl-undo-');
    const { store, file, ids } = syntheticProject(12, 3, {}, root);
    const pool = store
      .listImages()
      .filter((i) => !i.inTestSplit)
      .map((i) => i.id);
    store.close();
    const env = cliEnv(root);
    app = await LabelerService.create({ dataDir: path.join(root, 'app-data'), annotator: env.NL_ANNOTATOR });
    await app.invoke('project:open', { path: file });
    const [a, b] = [pool[0]!, pool[1]!];
    await app.invoke('label:set', { imageId: a as ImageId, angle: 40 as Degrees });
    cliOk(['label', file, String(b), '41'], env);
    expect(currentLabels(file)).toEqual(
      new Map([
        [a, 40],
        [b, 41],
      ]),
    );

    const undone = await app.invoke('label:undo', {});
    expect(undone?.imageId).toBe(a);
    expect(currentLabels(file)).toEqual(new Map([[b, 41]]));
    // nothing else of this session is left to undo: the CLI's label stays
    expect(await app.invoke('label:undo', {})).toBeNull();
    expect(currentLabels(file)).toEqual(new Map([[b, 41]]));
    expect(ids.length).toBe(12);
  }, 60_000);
});
