import { describe, expect, it } from 'vitest';
import { typiclust } from '../../src/main/selection/typiclust.js';
import { probcover, purityDelta } from '../../src/main/selection/probcover.js';
import { guardedFps } from '../../src/main/selection/guarded-fps.js';
import { kmeans } from '../../src/main/selection/kmeans.js';
import { furthestPointSampling } from '../../src/main/selection/furthest-point-sampling.js';
import { seededShuffle } from '../../src/shared/random.js';
import { blobsWithOutliers, dist2, randomData, tiedData } from './helpers.js';

const blobs = blobsWithOutliers();
const nearCentre = (x: number, maxDist: number): number => {
  // blob whose centre lies within maxDist of row x, else -1
  for (let b = 0; b < blobs.centres.length; b++) {
    const c = blobs.centres[b]!;
    if (Math.hypot(blobs.data[x * 2]! - c[0]!, blobs.data[x * 2 + 1]! - c[1]!) < maxDist) return b;
  }
  return -1;
};

/** Euclidean distance of each entry to the nearest earlier entry or label, recomputed from scratch. */
function bruteRadii(data: Float32Array, d: number, labeled: number[], order: ArrayLike<number>): number[] {
  const before = [...labeled];
  const out: number[] = [];
  for (let t = 0; t < order.length; t++) {
    out.push(before.length ? Math.min(...before.map((b) => Math.sqrt(dist2(data, d, order[t]!, b)))) : Infinity);
    before.push(order[t]!);
  }
  return out;
}

describe('on 3 blobs of 120/60/30 points plus 4 far outliers', () => {
  it('furthest point sampling picks the outliers first (why the typicality-aware strategies exist)', () => {
    const { order } = furthestPointSampling(blobs.data, blobs.n, blobs.d, { seed: 1, k: 5 });
    expect(blobs.outliers.every((o) => Array.from(order).includes(o))).toBe(true);
  });

  it('TypiClust picks blob centres first and outliers late', () => {
    const r = typiclust({ data: blobs.data, n: blobs.n, d: blobs.d, seed: 1, initialBudget: 3 });
    // k = 3 clusters: k-means may merge two blobs, so ask only for typical points in >= 2 blobs
    const first = Array.from(r.order.slice(0, 3), (x) => nearCentre(x, 0.6));
    expect(first).not.toContain(-1);
    expect(new Set(first).size).toBeGreaterThanOrEqual(2);
    for (const o of blobs.outliers) expect(r.order.indexOf(o)).toBeGreaterThan(50);
    // default budget of 10: still no outlier early and every blob in the first 6
    const r10 = typiclust({ data: blobs.data, n: blobs.n, d: blobs.d, seed: 1 });
    expect(new Set(Array.from(r10.order.slice(0, 6), (x) => blobs.blobOf[x]))).toEqual(new Set([0, 1, 2]));
    for (const o of blobs.outliers) expect(r10.order.indexOf(o)).toBeGreaterThan(50);
  });

  it('ProbCover picks blob centres first (3 pseudo-labels) and the densest ball first (default 10)', () => {
    const r = probcover({ data: blobs.data, n: blobs.n, d: blobs.d, seed: 1, clusters: 3 });
    expect(new Set(Array.from(r.order.slice(0, 3), (x) => nearCentre(x, 1.5)))).toEqual(new Set([0, 1, 2]));
    const r10 = probcover({ data: blobs.data, n: blobs.n, d: blobs.d, seed: 1 });
    expect(nearCentre(r10.order[0]!, 0.6)).toBe(0);
    for (const o of blobs.outliers) expect(r10.order.indexOf(o)).toBeGreaterThan(50);
  });

  it('guarded FPS starts at the densest point, covers the blobs, and leaves the outliers for last', () => {
    const r = guardedFps({ data: blobs.data, n: blobs.n, d: blobs.d, seed: 1 });
    expect(nearCentre(r.order[0]!, 0.5)).toBe(0);
    expect(new Set(Array.from(r.order.slice(0, 3), (x) => nearCentre(x, 1.5)))).toEqual(new Set([0, 1, 2]));
    // the outliers are in the sparsest 10 % (ceil(0.9 * 214) = 193 eligible, 21 not), which come last
    for (const o of blobs.outliers) expect(r.order.indexOf(o)).toBeGreaterThanOrEqual(193);
    expect(Array.from(r.phase.slice(193))).toEqual(new Array(21).fill(3));
    for (let t = 1; t < blobs.n; t++) expect(r.phase[t]!).toBeGreaterThanOrEqual(r.phase[t - 1]!);
  });
});

describe('TypiClust first round vs an independent reference', () => {
  it('matches most-typical-of-largest-uncovered-cluster on random data', () => {
    const n = 150,
      d = 3,
      B = 6,
      seed = 4;
    const data = randomData(n, d, 21);
    const r = typiclust({ data, n, d, seed, initialBudget: B, k: B });
    // reference: same k-means call (documented: seed + round 0, 30 iterations, B clusters)
    const km = kmeans(data, n, d, { k: B, seed, maxIterations: 30 });
    const clusters = Array.from({ length: B }, (_, c) => Array.from({ length: n }, (_, i) => i).filter((i) => km.assignment[i] === c));
    const typ = (i: number, members: number[]): number => {
      const K = Math.min(20, Math.floor(members.length / 2));
      const ds = members
        .filter((j) => j !== i)
        .map((j) => Math.sqrt(dist2(data, d, i, j)))
        .sort((a, b) => a - b)
        .slice(0, K);
      return 1 / (ds.reduce((a, b) => a + b, 0) / K + 1e-5);
    };
    const count = new Array<number>(B).fill(0);
    const taken = new Set<number>();
    const expected: number[] = [];
    for (let b = 0; b < B; b++) {
      const live = clusters.map((m, c) => ({ m, c })).filter((x) => x.m.length > 5);
      live.sort((x, y) => count[x.c]! - count[y.c]! || y.m.length - x.m.length || x.c - y.c);
      const { m, c } = live[0]!;
      let best = -1,
        bi = -1;
      for (const i of m)
        if (!taken.has(i) && typ(i, m) > best) {
          best = typ(i, m);
          bi = i;
        }
      expected.push(bi);
      taken.add(bi);
      count[c]!++;
    }
    expect(Array.from(r.order)).toEqual(expected);
    expect(Array.from(r.coverageRadius)).toEqual(bruteRadii(data, d, [], r.order));
  });
});

describe('ProbCover vs an independent reference', () => {
  it('delta is the largest radius whose open balls are >= 95 % pure', () => {
    const n = 120,
      d = 2;
    const data = randomData(n, d, 8);
    const labels = kmeans(data, n, d, { k: 4, seed: 2 }).assignment;
    const delta = purityDelta(data, n, d, labels, 0.95);
    const purity = (r: number): number => {
      let pure = 0;
      for (let x = 0; x < n; x++) {
        let ok = true;
        for (let y = 0; y < n; y++)
          if (Math.sqrt(dist2(data, d, x, y)) < r && labels[y] !== labels[x]) {
            ok = false;
            break;
          }
        if (ok) pure++;
      }
      return pure / n;
    };
    expect(purity(delta)).toBeGreaterThanOrEqual(0.95);
    expect(purity(delta * (1 + 1e-9))).toBeLessThan(0.95);
    expect(purity(delta * 1.01)).toBeLessThan(0.95);
  });

  for (const [name, data, n, d, labeled, ties] of [
    ['random, no labels', randomData(100, 3, 5), 100, 3, [], 'random'],
    ['ties, with labels', tiedData(80, 2, 6), 80, 2, [3, 40], 'random'],
    ['ties, with labels, lowest-index ties', tiedData(80, 2, 6), 80, 2, [3, 40], 'index'],
  ] as const) {
    it(`greedy coverage then FPS: ${name}`, () => {
      const delta = 0.7;
      const r = probcover({ data, n, d, labeled: [...labeled], seed: 1, delta, ties });
      // tie-break: position in the seeded shuffle of all rows (seededShuffle = the random baseline's shuffle), or the index
      const shuffled = seededShuffle(
        Array.from({ length: n }, (_, i) => i),
        1,
      );
      const rank = (x: number): number => (ties === 'random' ? shuffled.indexOf(x) : x);
      // reference: recount every ball's uncovered rows at every step
      const ball = (x: number): number[] => Array.from({ length: n }, (_, y) => y).filter((y) => y === x || Math.sqrt(dist2(data, d, x, y)) < delta);
      const covered = new Set<number>();
      const chosen: number[] = [...labeled];
      for (const l of labeled) ball(l).forEach((y) => covered.add(y));
      const expected: number[] = [];
      while (expected.length < n - labeled.length) {
        let best = 0,
          bi = -1;
        for (let x = 0; x < n; x++) {
          if (chosen.includes(x)) continue;
          const g = ball(x).filter((y) => !covered.has(y)).length;
          if (g > best || (g === best && g > 0 && rank(x) < rank(bi))) {
            best = g;
            bi = x;
          }
        }
        if (bi < 0) {
          let bm = -1;
          for (let x = 0; x < n; x++) {
            if (chosen.includes(x)) continue;
            const m = chosen.length ? Math.min(...chosen.map((c) => dist2(data, d, x, c))) : Infinity;
            if (m > bm) {
              bm = m;
              bi = x;
            }
          }
        } else ball(bi).forEach((y) => covered.add(y));
        expected.push(bi);
        chosen.push(bi);
      }
      expect(Array.from(r.order)).toEqual(expected);
      expect(Array.from(r.coverageRadius)).toEqual(bruteRadii(data, d, [...labeled], r.order));
    });
  }
});

describe('guarded FPS vs its brute-force definition', () => {
  for (const [name, data, n, d, labeled] of [
    ['random, no labels', randomData(90, 3, 15), 90, 3, []],
    ['random, labels', randomData(90, 2, 16), 90, 2, [0, 45, 89]],
    ['ties', tiedData(70, 3, 17), 70, 3, [2]],
  ] as const) {
    it(name, () => {
      const m = 4,
        q = 0.8;
      const r = guardedFps({ data, n, d, labeled: [...labeled], seed: 3, neighbours: m, quantile: q });
      const dist = (a: number, b: number): number => Math.sqrt(dist2(data, d, a, b));
      const rho = Array.from(
        { length: n },
        (_, i) =>
          Array.from({ length: n }, (_, j) => j)
            .filter((j) => j !== i)
            .map((j) => dist(i, j))
            .sort((a, b) => a - b)[m - 1]!,
      );
      const Q = [...rho].sort((a, b) => a - b)[Math.ceil(q * n) - 1]!;
      const eligible = rho.map((x) => x <= Q);
      const chosen: number[] = [...labeled];
      const D = (x: number): number => Math.min(...chosen.map((c) => dist2(data, d, x, c)));
      const expected: number[] = [];
      let phase = 1;
      while (expected.length < n - labeled.length) {
        let pick = -1;
        if (chosen.length === 0) {
          let b = Infinity;
          for (let x = 0; x < n; x++)
            if (eligible[x] && rho[x]! < b) {
              b = rho[x]!;
              pick = x;
            }
        } else {
          const free = Array.from({ length: n }, (_, x) => x).filter((x) => !chosen.includes(x));
          const el = free.filter((x) => eligible[x]);
          if (phase === 1) {
            if (el.length === 0) phase = 3;
            else {
              let b = -1;
              for (const x of el)
                if (D(x) > b) {
                  b = D(x);
                  pick = x;
                }
              if (!(b > rho[pick]! ** 2)) {
                phase = 2;
                pick = -1;
              }
            }
          }
          if (phase === 2) {
            if (el.length === 0) phase = 3;
            else {
              let b = -1;
              for (const x of el) {
                const s = D(x) === 0 ? 0 : rho[x] === 0 ? Infinity : D(x) / rho[x]! ** 2;
                if (s > b) {
                  b = s;
                  pick = x;
                }
              }
            }
          }
          if (phase === 3) {
            let b = -1;
            for (const x of free)
              if (D(x) > b) {
                b = D(x);
                pick = x;
              }
          }
        }
        expected.push(pick);
        chosen.push(pick);
      }
      expect(Array.from(r.order)).toEqual(expected);
      expect(Array.from(r.coverageRadius)).toEqual(bruteRadii(data, d, [...labeled], r.order));
    });
  }
});
