import { describe, expect, it } from 'vitest';
import { furthestPointSampling, furthestPointSamplingPruned } from '../../src/main/selection/furthest-point-sampling.js';
import { furthestPointSamplingParallel } from '../../src/main/selection/furthest-point-sampling-parallel.js';
import { mulberry32 } from '../../src/shared/random.js';
import { bruteForceFps, dist2, randomData, tiedData, lcg, blobsWithOutliers } from './helpers.js';

/** The documented first-pick rule, restated: floor(first mulberry32 float * n). */
const firstFor = (n: number, seed: number): number => Math.floor(mulberry32(seed)() * n);

function pickLabels(n: number, count: number, seed: number): number[] {
  const r = lcg(seed);
  const s = new Set<number>();
  while (s.size < count) s.add(Math.floor(r() * n));
  return [...s];
}

const cases: { n: number; d: number; labels: number; k?: number; tied?: boolean; seed: number }[] = [
  { n: 1, d: 3, labels: 0, seed: 1 },
  { n: 2, d: 1, labels: 0, seed: 2 },
  { n: 9, d: 1, labels: 2, seed: 3 },
  { n: 57, d: 3, labels: 0, seed: 4 },
  { n: 120, d: 16, labels: 5, seed: 5, k: 60 },
  { n: 150, d: 33, labels: 0, seed: 6, k: 70 },
  { n: 101, d: 5, labels: 1, seed: 7 },
  { n: 90, d: 4, labels: 0, tied: true, seed: 8 },
  { n: 90, d: 2, labels: 6, tied: true, seed: 9 },
  { n: 64, d: 7, labels: 63, seed: 10 },
];

describe('furthest point sampling vs brute force', () => {
  for (const c of cases) {
    const name = `n=${c.n} d=${c.d} labels=${c.labels} k=${c.k ?? 'all'}${c.tied ? ' ties' : ''}`;
    it(name, async () => {
      const data = c.tied ? tiedData(c.n, c.d, c.seed) : randomData(c.n, c.d, c.seed);
      const labeled = pickLabels(c.n, c.labels, c.seed + 100);
      const k = c.k ?? c.n - c.labels;
      const ref = bruteForceFps(data, c.n, c.d, labeled, k, firstFor(c.n, c.seed));
      const opts = { labeled, k: c.k, seed: c.seed };
      const single = furthestPointSampling(data, c.n, c.d, opts);
      expect(Array.from(single.order)).toEqual(ref.order);
      expect(Array.from(single.coverageRadius)).toEqual(ref.radius);
      const pruned = furthestPointSamplingPruned(data, c.n, c.d, opts);
      expect(Array.from(pruned.order)).toEqual(ref.order);
      expect(Array.from(pruned.coverageRadius)).toEqual(ref.radius);
      if (c.n >= 90 && c.n <= 120) {
        const par = await furthestPointSamplingParallel(data, c.n, c.d, { ...opts, threads: 3 });
        expect(Array.from(par.order)).toEqual(ref.order);
        expect(Array.from(par.coverageRadius)).toEqual(ref.radius);
      }
      // radii non-increasing; labeled rows never picked; no repeats
      for (let t = 1; t < k; t++) expect(single.coverageRadius[t]!).toBeLessThanOrEqual(single.coverageRadius[t - 1]!);
      expect(new Set(single.order).size).toBe(k);
      for (const l of labeled) expect(single.order.includes(l)).toBe(false);
    });
  }

  it('records the distance to the nearest earlier pick or label', () => {
    const n = 80,
      d = 6;
    const data = randomData(n, d, 42);
    const labeled = [3, 17];
    const { order, coverageRadius } = furthestPointSampling(data, n, d, { labeled, k: 30, seed: 1 });
    const before = [...labeled];
    for (let t = 0; t < order.length; t++) {
      const nearest = Math.min(...before.map((b) => Math.sqrt(dist2(data, d, order[t]!, b))));
      expect(coverageRadius[t]).toBe(nearest);
      before.push(order[t]!);
    }
  });

  it('is deterministic for a seed and its first pick follows the seed without labels', () => {
    const n = 200,
      d = 8;
    const data = randomData(n, d, 5);
    const a = furthestPointSampling(data, n, d, { seed: 11, k: 20 });
    const b = furthestPointSampling(data, n, d, { seed: 11, k: 20 });
    expect(Array.from(a.order)).toEqual(Array.from(b.order));
    expect(a.order[0]).toBe(firstFor(n, 11));
    expect(a.coverageRadius[0]).toBe(Infinity);
    const firsts = new Set([1, 2, 3, 4, 5].map((s) => furthestPointSampling(data, n, d, { seed: s, k: 1 }).order[0]));
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('pruned and parallel equal single-thread on clustered data at a larger size', async () => {
    // 40 tight clusters in 12-D, 4,000 rows: exercises the pruning and 2 workers
    const n = 4000,
      d = 12;
    const r = lcg(99);
    const centres = Array.from({ length: 40 }, () => Array.from({ length: d }, () => r() * 20));
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = centres[i % 40]![j]! + (r() - 0.5) * 0.3;
    const opts = { labeled: [5, 900], k: 600, seed: 3 };
    const single = furthestPointSampling(data, n, d, opts);
    const stats = { prunedWork: 0, fellBackAt: -1 };
    const pruned = furthestPointSamplingPruned(data, n, d, { ...opts, stats });
    expect(stats.fellBackAt).toBe(-1); // pruning kept: it pays on clustered data
    expect(stats.prunedWork).toBeLessThan(0.5 * n * 600);
    const par = await furthestPointSamplingParallel(data, n, d, { ...opts, threads: 2 });
    expect(Array.from(pruned.order)).toEqual(Array.from(single.order));
    expect(Array.from(pruned.coverageRadius)).toEqual(Array.from(single.coverageRadius));
    expect(Array.from(par.order)).toEqual(Array.from(single.order));
    expect(Array.from(par.coverageRadius)).toEqual(Array.from(single.coverageRadius));
    // the first 38 picks (plus 2 labels) hit 40 different clusters
    const clusters = new Set([5 % 40, 900 % 40, ...Array.from(single.order.slice(0, 38), (x) => x % 40)]);
    expect(clusters.size).toBe(40);
  });

  it('pruned falls back to the plain kernel on unstructured data with the same picks', () => {
    const n = 1500,
      d = 16;
    const data = randomData(n, d, 123);
    const stats = { prunedWork: 0, fellBackAt: -1 };
    const pruned = furthestPointSamplingPruned(data, n, d, { k: 500, seed: 4, labeled: [10], stats });
    expect(stats.fellBackAt).toBeGreaterThan(255);
    const single = furthestPointSampling(data, n, d, { k: 500, seed: 4, labeled: [10] });
    expect(Array.from(pruned.order)).toEqual(Array.from(single.order));
    expect(Array.from(pruned.coverageRadius)).toEqual(Array.from(single.coverageRadius));
  });

  it('picks the far outliers first on blobs with outliers', () => {
    const { data, n, d, outliers } = blobsWithOutliers();
    const { order } = furthestPointSampling(data, n, d, { k: 8, seed: 0 });
    const firstFive = Array.from(order.slice(0, 5));
    // the four outliers are all among the first five picks (the first pick is the seeded row)
    for (const o of outliers) expect(firstFive).toContain(o);
  });

  it('rejects bad input with a clear error', () => {
    const data = randomData(10, 2, 1);
    expect(() => furthestPointSampling(data, 10, 3)).toThrow(/data has 20 floats/);
    expect(() => furthestPointSampling(data, 10, 2, { labeled: [10] })).toThrow(/labeled\[0\] = 10/);
    expect(() => furthestPointSampling(data, 10, 2, { labeled: [1, 1] })).toThrow(/repeated/);
    expect(() => furthestPointSampling(data, 10, 2, { labeled: [1], k: 10 })).toThrow(/k = 10/);
    const nan = data.slice();
    nan[7] = NaN;
    expect(() => furthestPointSampling(nan, 10, 2)).toThrow(/row 3 column 1/);
  });

  it('parallel version rejects when aborted', async () => {
    const data = randomData(5000, 8, 1);
    const ac = new AbortController();
    ac.abort();
    await expect(furthestPointSamplingParallel(data, 5000, 8, { signal: ac.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('FpsState (live queue)', () => {
  it('take() reproduces the order; an out-of-order label gives the brute-force next pick', async () => {
    const { FpsState } = await import('../../src/main/selection/furthest-point-sampling.js');
    const n = 120,
      d = 5;
    const data = randomData(n, d, 31);
    const ref = furthestPointSampling(data, n, d, { labeled: [7], seed: 2 });
    const st = new FpsState(data, n, d, { labeled: [7], seed: 2 });
    for (let t = 0; t < 30; t++) {
      const r = st.take()!;
      expect(r.row).toBe(ref.order[t]);
      expect(r.radius).toBe(ref.coverageRadius[t]);
    }
    // label a row far down the queue: next pick = brute force with labels {7} + 30 picks + that row
    const extra = ref.order[80]!;
    st.addCentre(extra);
    const expected = bruteForceFps(data, n, d, [7, ...Array.from(ref.order.slice(0, 30)), extra], 1, -1);
    expect(st.peek()!.row).toBe(expected.order[0]);
    expect(st.peek()!.radius).toBe(expected.radius[0]);
    const fresh = new FpsState(data, n, d, { seed: 9 });
    expect(fresh.peek()).toEqual({ row: firstFor(n, 9), radius: Infinity });
  });
});
