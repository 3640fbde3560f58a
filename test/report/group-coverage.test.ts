import { describe, expect, it } from 'vitest';
import { distinctGroupsInPrefixes, groupCount, nearestNeighbourCeiling, nearestNeighbourSameGroupRate } from '../../src/main/report/group-coverage.js';
import { mulberry32, seededShuffle } from '../../src/shared/random.js';

describe('coverage of the variety', () => {
  it('counts distinct groups among the first n of an order (hand-made case)', () => {
    // rows 0..7 with groups a a b c c c d -(none); order 5 0 1 3 7 2 6 4
    const groups = Int32Array.from([0, 0, 1, 2, 2, 2, 3, -1]);
    const order = [5, 0, 1, 3, 7, 2, 6, 4];
    // prefixes: {c} {c,a} {c,a} {c,a} {c,a}(none) {c,a,b} {c,a,b,d} ...
    expect(distinctGroupsInPrefixes(order, groups, [1, 2, 3, 5, 6, 7, 8, 20])).toEqual([1, 2, 2, 2, 3, 4, 4, 4]);
    expect(groupCount(groups)).toBe(4);
  });

  it('matches a brute-force count on random orders', () => {
    const rnd = mulberry32(4);
    const groups = Int32Array.from({ length: 50 }, () => Math.floor(rnd() * 9));
    const order = seededShuffle(
      Array.from({ length: 50 }, (_, i) => i),
      2,
    );
    const sizes = [1, 5, 10, 25, 50];
    const brute = sizes.map((n) => new Set(order.slice(0, n).map((r) => groups[r])).size);
    expect(distinctGroupsInPrefixes(order, groups, sizes)).toEqual(brute);
  });

  it('nearest-neighbour same-group rate (hand-made points)', () => {
    // 1-d points: 0 (a), 1 (a), 10 (b), 10.5 (c), 30 (c)
    // nearest: 0->1 (a, same), 1->0 (same), 10->10.5 (c, not b), 10.5->10 (b, not c), 30->10.5 (c, same): 3 of 5
    const data = Float32Array.from([0, 1, 10, 10.5, 30]);
    expect(nearestNeighbourSameGroupRate(data, 5, 1, [0, 0, 1, 2, 2])).toBeCloseTo(3 / 5, 12);
    // an image without a group is not counted, but can be a neighbour
    expect(nearestNeighbourSameGroupRate(data, 5, 1, [0, 0, -1, 2, 2])).toBeCloseTo(3 / 4, 12);
  });
});

describe('nearest-neighbour ceiling', () => {
  it('is the share of grouped rows whose group has another row (hand-made case)', () => {
    // groups a a b c c c d -(none): rows of a (2) and c (3) have a sibling, b and d do not: 5 of 7
    expect(nearestNeighbourCeiling(Int32Array.from([0, 0, 1, 2, 2, 2, 3, -1]))).toBeCloseTo(5 / 7, 12);
    expect(nearestNeighbourCeiling(Int32Array.from([0, 1, 2]))).toBe(0);
    expect(nearestNeighbourCeiling(Int32Array.from([0, -1]))).toBeNull();
  });
  it('bounds the rate of any embedding (brute force over random embeddings)', () => {
    const rnd = mulberry32(7);
    for (let t = 0; t < 20; t++) {
      const n = 12;
      const groups = Int32Array.from({ length: n }, () => Math.floor(rnd() * 8));
      const data = Float32Array.from({ length: n * 3 }, () => rnd());
      expect(nearestNeighbourSameGroupRate(data, n, 3, groups)!).toBeLessThanOrEqual(nearestNeighbourCeiling(groups)! + 1e-12);
    }
  });
});
