/**
 * compare on a tiny test split gives no verdict (figures that noisy cannot
 * tell strategies apart), and the CLI prints a size reached at the smallest
 * size tried as an upper bound.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { printCompare } from '../../src/main/cli/print-compare.js';
import { loadTestSet, measureExemplarPrefixes, trainAndMeasure } from '../../src/main/eval/train-and-measure.js';
import { selectBackend } from '../../src/main/ml/backend.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { tempDir } from '../helpers/synthetic-project.js';
import { DEFAULT_SETTINGS, type CompareResult } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

let svc: LabelerService | null = null;
afterAll(() => svc?.close());

describe('compare verdicts', () => {
  it('gives no verdict when the test split has fewer than 50 images with truth', async () => {
    const subset = makeDemoSubset(6, 'nl-small-test-');
    svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
    await svc.invoke('project:create', { path: path.join(subset.root, 'p.nlproj'), settings: { inputSize: 32, testFraction: 0.3 } });
    await svc.invoke('images:import', { folder: subset.images });
    await svc.invoke('embed:run', { epochs: 2, backend: 'wasm' });
    const st = await svc.invoke('project:status', {});
    expect(st.testSplit.size).toBeGreaterThan(0);
    expect(st.testSplit.size).toBeLessThan(50);
    const r = await svc.invoke('compare:run', { truthFile: subset.truthCsv, sizes: [5, 10], seeds: 2, strategies: ['fps', 'random'] });
    expect(r.verdict).toBe(
      `No verdict: the test split has only ${st.testSplit.size} images with a ground-truth angle (at least 50 are needed to tell strategies apart).`,
    );
    expect((r.notes ?? []).join('\n')).toMatch(/cannot tell strategies apart/);
    expect(r.points).toHaveLength(2 * 2 * 2);

    // The exemplar models (the default is one) need no encoder: evaluate works with the stored model damaged.
    const store = svc.project;
    projectSqlite(store).prepare("UPDATE models SET weights = substr(weights, 1, length(weights) / 2) WHERE kind = 'autoencoder'").run();
    const rel = (p: string): string => path.relative(subset.images, p).split(path.sep).join('/');
    const imgs = store.listPoolImages();
    const test = imgs.filter((i) => i.inTestSplit).slice(0, 5);
    const train = imgs.filter((i) => !i.inTestSplit).slice(0, 12);
    for (const i of [...test, ...train]) await svc.invoke('label:set', { imageId: i.id, angle: subset.truth.get(rel(i.path))! as never });
    const pts = await svc.invoke('evaluate:run', {});
    expect(pts.map((p) => [p.strategy, p.size, p.model])).toEqual([['all labels', 12, DEFAULT_SETTINGS.orientationModel]]);

    // compare's one-match-per-order shortcut equals matching every prefix on its own
    const trainSet = { ids: train.map((i) => i.id), angles: Float32Array.from(train, (i) => subset.truth.get(rel(i.path))!) };
    // The measurements below run in this thread: choose its backend as the jobs do.
    await selectBackend('cpu');
    const testSet = loadTestSet(store, { ids: test.map((i) => i.id), angles: Float32Array.from(test, (i) => subset.truth.get(rel(i.path))!) });
    for (const model of ['exemplar', 'aligned-exemplar'] as const) {
      const prefixes = measureExemplarPrefixes(store, trainSet, testSet, [3, 7, 12], undefined, model);
      for (const [k, n] of [3, 7, 12].entries()) {
        const alone = await trainAndMeasure(store, null, { ids: trainSet.ids.slice(0, n), angles: trainSet.angles.slice(0, n) }, testSet, { seed: 1, model });
        expect(prefixes[k]!.maeDeg).toBeCloseTo(alone.maeDeg, 4);
        expect(prefixes[k]!.within10).toBe(alone.within10);
      }
    }
  }, 120_000);

  it('prints a size reached at the smallest size tried as "at most", and the saving as "at least"', () => {
    const pts = [25, 50, 100].flatMap((size) =>
      ['random', 'fps'].map((strategy) => ({
        size,
        strategy,
        seed: 1,
        maeDeg: 1,
        medianDeg: 1,
        within10: 1,
        testSize: 100,
        source: 'compare' as const,
        createdAt: '',
      })),
    );
    const r = {
      points: pts,
      labelsNeeded: [
        { strategy: 'fps', reference: 'random', targetMaeDeg: 20, size: 25, referenceSize: 100, savedShare: 0.75, seedSizes: [{ seed: 1, size: 25 }] },
        { strategy: 'typiclust', reference: 'random', targetMaeDeg: 20, size: 60, referenceSize: 100, savedShare: 0.4, seedSizes: [{ seed: 1, size: 60 }] },
      ],
      csvPath: null,
      svgPath: null,
      verdict: '',
      notes: [],
    } as unknown as CompareResult;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      printCompare(r);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines[0]).toBe(
        "fps: reaches random's error at its largest size (20.0 deg at 100 labels) with at most 25 labels, the smallest size tried (at least 75% fewer)",
      );
      expect(lines[1]).toBe("typiclust: reaches random's error at its largest size (20.0 deg at 100 labels) with 60 labels (40% fewer)");
    } finally {
      log.mockRestore();
    }
  });
});
