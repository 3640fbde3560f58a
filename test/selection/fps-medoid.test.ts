/**
 * Furthest point sampling to the medoid against a brute-force reference
 * written from the rules in src/main/selection/fps-medoid.ts (every distance
 * recomputed from scratch at every step, neighbours by sorting all rows), on
 * random and tied data, with and without labels; and its point: on blobs with
 * outliers it reaches the blobs before the outliers and picks near their middles.
 */
import { describe, expect, it } from 'vitest';
import { fpsMedoid } from '../../src/main/selection/fps-medoid.js';
import { selectOrder } from '../../src/main/selection/select-order.js';
import { furthestPointSampling } from '../../src/main/selection/furthest-point-sampling.js';
import { isAppError } from '../../src/shared/errors.js';
import { blobsWithOutliers, dist2, randomData, tiedData } from './helpers.js';

function bruteFpsMedoid(data: Float32Array, n: number, d: number, labeled: number[], k: number, K: number): number[] {
  const kk = Math.min(K, n - 1);
  const neighbours = (x: number): number[] =>
    Array.from({ length: n }, (_, y) => y)
      .filter((y) => y !== x)
      .sort((a, b) => dist2(data, d, x, a) - dist2(data, d, x, b) || a - b)
      .slice(0, kk);
  const chosen = [...labeled];
  const out: number[] = [];
  const D = (x: number): number => (chosen.length ? Math.min(...chosen.map((c) => dist2(data, d, x, c))) : Infinity);
  while (out.length < k) {
    let pick = -1;
    if (chosen.length === 0) {
      let best = Infinity;
      for (let x = 0; x < n; x++) {
        const nb = neighbours(x);
        const r = nb.length ? Math.sqrt(dist2(data, d, x, nb[nb.length - 1]!)) : 0;
        if (r < best) {
          best = r;
          pick = x;
        }
      }
    } else {
      let f = -1;
      let best = -1;
      for (let x = 0; x < n; x++)
        if (!chosen.includes(x) && D(x) > best) {
          best = D(x);
          f = x;
        }
      const region = [f, ...neighbours(f).filter((y) => !chosen.includes(y) && dist2(data, d, y, f) < D(y))].sort((a, b) => a - b);
      let bestSum = Infinity;
      for (const a of region) {
        let s = 0;
        for (const b of region) if (a !== b) s += Math.sqrt(dist2(data, d, a, b));
        if (s < bestSum) {
          bestSum = s;
          pick = a;
        }
      }
    }
    chosen.push(pick);
    out.push(pick);
  }
  return out;
}

describe('fps-medoid', () => {
  const cases = [
    { name: 'random 40 x 3, no labels', data: randomData(40, 3, 5), n: 40, d: 3, labeled: [] as number[], k: 40, K: 10 },
    { name: 'random 60 x 2, 3 labels, K = 4', data: randomData(60, 2, 9), n: 60, d: 2, labeled: [7, 30, 2], k: 25, K: 4 },
    { name: 'tied grid 50 x 2 with duplicate rows', data: tiedData(50, 2, 3), n: 50, d: 2, labeled: [] as number[], k: 50, K: 6 },
    { name: 'tied grid 30 x 3, labels, K above n', data: tiedData(30, 3, 8), n: 30, d: 3, labeled: [0, 11], k: 28, K: 50 },
  ];
  for (const c of cases) {
    it(`equals the brute-force reference: ${c.name}`, () => {
      const r = fpsMedoid({ data: c.data, n: c.n, d: c.d, labeled: c.labeled, k: c.k, neighbours: c.K });
      expect(Array.from(r.order)).toEqual(bruteFpsMedoid(c.data, c.n, c.d, c.labeled, c.k, c.K));
      // Coverage radius: distance to the nearest earlier pick or label.
      const before = [...c.labeled];
      r.order.forEach((x, t) => {
        const want = before.length ? Math.sqrt(Math.min(...before.map((b) => dist2(c.data, c.d, x, b)))) : Infinity;
        expect(r.coverageRadius[t]).toBeCloseTo(want, 9);
        before.push(x);
      });
      // Through the common entry point too.
      const s = selectOrder('fps-medoid', { data: c.data, n: c.n, d: c.d, labeled: c.labeled, k: c.k }, { fpsMedoid: { neighbours: c.K } });
      expect(Array.from(s.order)).toEqual(Array.from(r.order));
    });
  }

  it('on 3 blobs plus 4 far outliers: no guard (a lone outlier is its own region, so it is reached early, as by fps), but its blob picks lie nearer the blob centres', () => {
    const b = blobsWithOutliers();
    const r = fpsMedoid({ data: b.data, n: b.n, d: b.d, k: 7 });
    expect(new Set(Array.from(r.order, (x) => b.blobOf[x]))).toEqual(new Set([-1, 0, 1, 2]));
    for (const o of b.outliers) expect(Array.from(r.order)).toContain(o);
    const plain = furthestPointSampling(b.data, b.n, b.d, { seed: 1, k: 20 });
    const medoid = fpsMedoid({ data: b.data, n: b.n, d: b.d, k: 20 });
    // Mean distance of the blob picks to their blob's centre.
    const spread = (order: Int32Array): number => {
      const inBlob = Array.from(order).filter((x) => b.blobOf[x]! >= 0);
      return (
        inBlob.reduce((s, x) => s + Math.hypot(b.data[x * 2]! - b.centres[b.blobOf[x]!]![0]!, b.data[x * 2 + 1]! - b.centres[b.blobOf[x]!]![1]!), 0) /
        inBlob.length
      );
    };
    expect(spread(medoid.order)).toBeLessThan(spread(plain.order));
  });

  it('refuses a bad neighbour count', () => {
    let err: unknown = null;
    try {
      fpsMedoid({ data: randomData(5, 2, 1), n: 5, d: 2, neighbours: 0 });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err) && err.code === 'invalid-argument').toBe(true);
  });
});
