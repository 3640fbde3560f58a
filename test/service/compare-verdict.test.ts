/**
 * The whole compare path on real images (a subset of the bundled demo):
 * with truth whose angles are random (nothing to learn) every strategy is
 * `not-learned`; with the real angles the model learns. verdict.json,
 * curve.csv (intervals, chance, groups) and the stored verdict agree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { printCompare } from '../../src/main/cli/print-compare.js';
import { mulberry32 } from '../../src/shared/random.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { tempDir } from '../helpers/synthetic-project.js';
import type { CompareVerdictReport } from '../../src/shared/types.js';
import { chanceLevel } from '../../src/main/report/chance-level.js';
import { liveSummary } from '../../src/main/eval/evaluate-job.js';

let svc: LabelerService | null = null;
afterAll(() => svc?.close());

describe('compare verdict on real images', () => {
  it('says not-learned when the angles are random, and learns the real ones', async () => {
    const subset = makeDemoSubset(12, 'nl-verdict-'); // 120 images, 10 classes
    const rows = [...subset.truth.keys()];
    const rnd = mulberry32(2024);
    const randomTruth = path.join(subset.root, 'random-truth.csv');
    fs.writeFileSync(randomTruth, `path,angle,class\n${rows.map((p) => `${p},${(rnd() * 360).toFixed(2)},${p.split('/')[0]}`).join('\n')}\n`);
    const realTruth = path.join(subset.root, 'real-truth.csv');
    fs.writeFileSync(realTruth, `path,angle,class\n${rows.map((p) => `${p},${subset.truth.get(p)},${p.split('/')[0]}`).join('\n')}\n`);
    // Embeddings from a file (random numbers): the orders only need a latent space, and this keeps the test to seconds.
    const emb = path.join(subset.root, 'emb.csv');
    fs.writeFileSync(emb, `path,e0,e1,e2,e3\n${rows.map((p) => `${p},${[0, 1, 2, 3].map(() => rnd().toFixed(4)).join(',')}`).join('\n')}\n`);

    svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
    await svc.invoke('project:create', { path: path.join(subset.root, 'p.nlproj'), settings: { inputSize: 16, testFraction: 0.5, latentDim: 4 } });
    await svc.invoke('images:import', { folder: subset.images });
    await svc.invoke('embed:run', { fromFile: emb });
    const st = await svc.invoke('project:status', {});
    expect(st.testSplit.size).toBeGreaterThanOrEqual(50);

    const out = path.join(subset.root, 'out');
    const spec = { sizes: [10, 20, 40], seeds: 2, strategies: ['fps', 'random', 'guarded-fps'], outDir: out };
    const r = await svc.invoke('compare:run', { ...spec, truthFile: randomTruth });
    const rep = r.report!;
    expect(rep.strategies.map((s) => [s.strategy, s.code])).toEqual([
      ['fps', 'not-learned'],
      ['random', 'not-learned'],
      ['guarded-fps', 'not-learned'],
    ]);
    expect(r.verdict).toMatch(/^The orientation model has not learned on this data yet/);
    expect(rep.chance.uninformedDeg).toBe(90);
    expect(rep.chance.chanceDeg).toBeLessThanOrEqual(90);
    for (const s of rep.strategies) for (const p of s.points) expect(p.ciHigh).toBeGreaterThanOrEqual(rep.chance.chanceDeg);
    // nothing learned, so no labels-saved figure: reaching a reference at chance says nothing
    expect(rep.strategies.map((s) => s.labelsToReach)).toEqual([null, null, null]);
    // guarded-fps's order does not depend on the seed: one order, its curves identical
    const g = rep.strategies.find((s) => s.strategy === 'guarded-fps')!;
    expect([g.orders, g.oneOrder]).toEqual([1, true]);
    expect(rep.strategies.find((s) => s.strategy === 'random')!.orders).toBe(2);

    // verdict.json beside curve.csv is the report; the project keeps it for the app
    expect(r.verdictPath).toBe(path.join(out, 'verdict.json'));
    const onDisk = JSON.parse(fs.readFileSync(r.verdictPath!, 'utf8')) as CompareVerdictReport;
    expect(onDisk).toEqual(rep);
    expect(svc.project.compareVerdict()).toEqual(rep);

    // groups: 10 classes in the pool, oracle min(n, 10); every count within it
    expect(rep.groups!.column).toBe('class');
    expect(rep.groups!.inPool).toBe(10);
    expect(rep.groups!.oracle).toEqual([
      { size: 10, groups: 10 },
      { size: 20, groups: 10 },
      { size: 40, groups: 10 },
    ]);
    for (const s of rep.strategies) for (const p of s.points) for (const n of p.groups!.perSeed) expect(n).toBeLessThanOrEqual(Math.min(p.size, 10));

    const csv = fs.readFileSync(path.join(out, 'curve.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('strategy,seed,size,maeDeg,medianDeg,within10,ciLowDeg,ciHighDeg,chanceDeg,groups,groupsRandomMean,groupsOracle');
    expect(csv).toHaveLength(1 + 3 * 2 * 3);
    const svg = fs.readFileSync(path.join(out, 'curve.svg'), 'utf8');
    expect(svg).toContain('class="chance"');
    expect(svg).toContain('class="group-coverage"');
    expect(svg).toContain('one order, 95 % interval');

    // what the CLI prints from it (compare --json prints the report itself)
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      printCompare(r);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines[0]).toMatch(
        /^chance level [\d.]+ deg \(a guess that knows nothing: 90 deg; always answering the test split's circular mean: [\d.]+ deg\); \d+ test images; 95 % intervals from 2000 bootstrap resamples$/,
      );
      expect(lines.some((l) => l.startsWith('fps: not-learned (2 seeds); mean error in deg [95 % interval] by labels: 10: '))).toBe(true);
      expect(lines.some((l) => l.startsWith('guarded-fps: not-learned (one order for every seed)'))).toBe(true);
      expect(lines).toContain(
        'classes: 10 in the pool; oracle min(n, 10): 10: 10, 20: 10, 40: 10' +
          `; nearest neighbour in the embedding of the same class: ${Math.round(rep.groups!.nearestNeighbourSameGroup! * 100)}% of images` +
          ' (at most 100%: the images whose class has another image in the pool)',
      );
      // every class holds many images here, so every image could have a neighbour of its class
      expect(rep.groups!.nearestNeighbourCeiling).toBe(1);
      expect(lines).toContain(rep.sentence);
      expect(lines[lines.length - 1]).toBe(`verdict: ${r.verdictPath}`);
    } finally {
      log.mockRestore();
    }

    // the per-image errors behind the intervals agree with each point's own summary: the mean over seeds of maeDeg
    for (const s of rep.strategies) {
      for (const q of s.points) {
        const own = r.points.filter((p) => p.strategy === s.strategy && p.size === q.size);
        expect(q.meanDeg).toBeCloseTo(own.reduce((a, p) => a + p.maeDeg, 0) / own.length, 3);
        expect(q.ciLow).toBeLessThanOrEqual(q.meanDeg);
        expect(q.ciHigh).toBeGreaterThanOrEqual(q.meanDeg);
      }
    }
    // the stored points carry their (strategy, size)'s interval, the chance level and the verdict code
    for (const p of r.points) {
      const s = rep.strategies.find((x) => x.strategy === p.strategy)!;
      const q = s.points.find((x) => x.size === p.size)!;
      expect([p.ciLow, p.ciHigh, p.chanceDeg, p.extra?.verdict]).toEqual([q.ciLow, q.ciHigh, rep.chance.chanceDeg, 'not-learned']);
    }

    // the live curve (evaluate) on the same random angles: an interval, the chance level of its labeled test images, "not learned yet"
    const store = svc.project;
    const byRel = new Map(
      fs
        .readFileSync(randomTruth, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map((c) => [c[0]!, Number(c[1])]),
    );
    const rel = (p: string): string => path.relative(subset.images, p).split(path.sep).join('/');
    const imgs = store.listPoolImages();
    const testImgs = imgs.filter((i) => i.inTestSplit);
    const trainImgs = imgs.filter((i) => !i.inTestSplit).slice(0, 20);
    store.addLabels(
      [...testImgs, ...trainImgs].map((i) => ({
        imageId: i.id,
        value: { kind: 'angle', angle: byRel.get(rel(i.path))! as never },
        annotator: 'simulated',
        arm: (i.inTestSplit ? 'test' : 'none') as never,
        source: 'simulated' as const,
      })),
    );
    const [live] = await svc.invoke('evaluate:run', {});
    const liveChance = chanceLevel(
      Float32Array.from(testImgs, (i) => Math.fround(byRel.get(rel(i.path))!)),
      360,
      { minForCircularMean: 50 },
    ).chanceDeg;
    expect(live!.chanceDeg).toBeCloseTo(liveChance, 3);
    expect(live!.ciLow!).toBeLessThanOrEqual(live!.maeDeg);
    expect(live!.ciHigh!).toBeGreaterThanOrEqual(live!.maeDeg);
    expect(live!.ciHigh!).toBeGreaterThanOrEqual(live!.chanceDeg!);
    expect(liveSummary(live!)).toMatch(/not learned yet \(within its interval of chance/);

    // the real angles: the exemplar model learns (random order's curve drops below chance beyond its interval)
    const real = (await svc.invoke('compare:run', { ...spec, truthFile: realTruth, overwrite: true })).report!;
    const random = real.strategies.find((s) => s.strategy === 'random')!;
    expect(random.learned).toBe(true);
    expect(random.code).not.toBe('not-learned');
    expect(random.points[random.points.length - 1]!.ciHigh).toBeLessThan(real.chance.chanceDeg);
  }, 120_000);
});
