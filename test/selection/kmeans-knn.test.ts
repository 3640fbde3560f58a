import { describe, expect, it } from 'vitest';
import { kmeans } from '../../src/main/selection/kmeans.js';
import { knn, kthNeighbourDistance } from '../../src/main/selection/knn.js';
import { dist2, randomData, tiedData } from './helpers.js';

describe('kmeans (hand-worked)', () => {
  it('splits 0,1,2 | 10,11,12 into centroids 1 and 11 for every seed', () => {
    // By hand: any two initial centres converge in <= 3 Lloyd steps to {0,1,2} / {10,11,12};
    // centroids 1 and 11, inertia (1+0+1) + (1+0+1) = 4.
    const data = Float32Array.from([10, 0, 11, 1, 12, 2]);
    for (let seed = 0; seed < 10; seed++) {
      const r = kmeans(data, 6, 1, { k: 2, seed });
      expect(Array.from(r.centroids).sort((a, b) => a - b)).toEqual([1, 11]);
      expect(r.inertia).toBe(4);
      const a = r.assignment;
      expect(a[0]).toBe(a[2]); // 10, 11
      expect(a[2]).toBe(a[4]); // 12
      expect(a[1]).toBe(a[3]); // 0, 1
      expect(a[1]).not.toBe(a[0]);
      expect(Array.from(r.sizes)).toEqual([3, 3]);
    }
  });

  it('2-D: two pairs of points give their midpoints', () => {
    // (0,0),(0,2) -> (0,1); (8,8),(8,6) -> (8,7); inertia 4 * 1 = 4
    const data = Float32Array.from([0, 0, 8, 8, 0, 2, 8, 6]);
    const r = kmeans(data, 4, 2, { k: 2, seed: 3 });
    const cents = [
      [r.centroids[0], r.centroids[1]],
      [r.centroids[2], r.centroids[3]],
    ].sort((a, b) => a[0]! - b[0]!);
    expect(cents).toEqual([
      [0, 1],
      [8, 7],
    ]);
    expect(r.inertia).toBe(4);
  });

  it('k = n puts each distinct row in its own cluster; same seed same result', () => {
    const data = randomData(30, 3, 4);
    const r = kmeans(data, 30, 3, { k: 30, seed: 1 });
    expect(r.inertia).toBe(0);
    expect(new Set(r.assignment).size).toBe(30);
    const a = kmeans(data, 30, 3, { k: 5, seed: 9 });
    const b = kmeans(data, 30, 3, { k: 5, seed: 9 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    // every row is assigned to its nearest centroid (Lloyd fixed point)
    for (let i = 0; i < 30; i++) {
      let best = Infinity,
        bc = -1;
      for (let c = 0; c < 5; c++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += (data[i * 3 + j]! - a.centroids[c * 3 + j]!) ** 2;
        if (s < best) {
          best = s;
          bc = c;
        }
      }
      expect(a.assignment[i]).toBe(bc);
    }
  });

  it('handles fewer distinct rows than k and rejects a bad k', () => {
    const data = Float32Array.from([1, 1, 1, 1, 5, 5]);
    const r = kmeans(data, 6, 1, { k: 3, seed: 0 });
    expect(r.inertia).toBe(0);
    expect(() => kmeans(data, 6, 1, { k: 7 })).toThrow(/k = 7/);
  });
});

describe('knn (vs sorting all distances)', () => {
  for (const [name, data, n, d] of [
    ['random', randomData(60, 4, 1), 60, 4],
    ['ties', tiedData(50, 2, 2), 50, 2],
  ] as const) {
    it(name, () => {
      const K = 7;
      const r = knn(data, n, d, K);
      for (let i = 0; i < n; i++) {
        const others = Array.from({ length: n }, (_, j) => j)
          .filter((j) => j !== i)
          .map((j) => ({ j, s: dist2(data, d, i, j) }))
          .sort((a, b) => a.s - b.s || a.j - b.j);
        for (let q = 0; q < K; q++) {
          expect(r.index[i * K + q]).toBe(others[q]!.j);
          expect(r.dist[i * K + q]).toBe(Math.sqrt(others[q]!.s));
        }
      }
      const kth = kthNeighbourDistance(data, n, d, 3);
      for (let i = 0; i < n; i++) expect(kth[i]).toBe(r.dist[i * K + 2]);
    });
  }
  it('searches only within a subset of rows', () => {
    // 1-D rows: 0, 5, 1, 7, 2 ; subset {0, 2, 4} = values 0, 1, 2
    const data = Float32Array.from([0, 5, 1, 7, 2]);
    const r = knn(data, 5, 1, 2, [0, 2, 4]);
    expect(Array.from(r.index)).toEqual([2, 4, 0, 4, 2, 0]);
    expect(Array.from(r.dist)).toEqual([1, 2, 1, 1, 1, 2]);
    expect(() => knn(data, 5, 1, 3, [0, 2, 4])).toThrow(/K = 3/);
  });
});
