/**
 * ProbCover on a large pool: purity, graph and greedy cover run on every
 * labeled row and a seeded random sample of the others; the order then
 * continues over every row by furthest point sampling. Checked against a
 * brute-force greedy cover written here from the definition.
 */
import { describe, expect, it } from 'vitest';
import { probcover } from '../../src/main/selection/probcover.js';
import { randomOrder } from '../../src/main/selection/random-order.js';

function points(n: number, d: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const r = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const centres = Array.from({ length: 12 }, () => Array.from({ length: d }, () => r() * 10));
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * centres.length)]!;
    for (let j = 0; j < d; j++) out[i * d + j] = c[j]! + (r() - 0.5);
  }
  return out;
}

const dist = (data: Float32Array, d: number, a: number, b: number): number => {
  let s = 0;
  for (let j = 0; j < d; j++) s += (data[a * d + j]! - data[b * d + j]!) ** 2;
  return Math.sqrt(s);
};

describe('probcover beyond maxGraphRows', () => {
  it('covers greedily within the labeled rows and a seeded sample, then orders every other row', () => {
    const n = 240;
    const d = 3;
    const data = points(n, d, 9);
    const labeled = [5, 17, 200];
    const delta = 1.2;
    const r = probcover({ data, n, d, labeled, seed: 4, delta, maxGraphRows: 60, ties: 'index' });
    // Every unlabeled row exactly once.
    expect(r.order.length).toBe(n - labeled.length);
    expect(new Set(r.order).size).toBe(n - labeled.length);
    for (const l of labeled) expect(Array.from(r.order)).not.toContain(l);

    // The sample: the labeled rows, then unlabeled rows in the seeded random order until 60 rows.
    const sample = [...labeled];
    for (const x of randomOrder(n, { seed: 4 })) if (sample.length < 60 && !labeled.includes(x)) sample.push(x);
    // Brute-force greedy max cover over the sample (ties: lowest sample position, as ties 'index' does on g-indices).
    const covered = new Set<number>();
    const ball = (x: number): number[] => sample.filter((y) => y === x || dist(data, d, x, y) < delta);
    for (const l of labeled) for (const y of ball(l)) covered.add(y);
    const expected: number[] = [];
    const taken = new Set(labeled);
    for (;;) {
      let best = 0;
      let pick = -1;
      for (const x of sample) {
        if (taken.has(x)) continue;
        const gain = ball(x).filter((y) => !covered.has(y)).length;
        if (gain > best) {
          best = gain;
          pick = x;
        }
      }
      if (pick < 0) break;
      expected.push(pick);
      taken.add(pick);
      for (const y of ball(pick)) covered.add(y);
    }
    expect(expected.length).toBeGreaterThan(3);
    expect(Array.from(r.order.subarray(0, expected.length))).toEqual(expected);

    // After the cover: furthest point sampling over all rows, seeded with the labels and the picks so far.
    const centres = [...labeled, ...expected];
    const rest = Array.from(r.order.subarray(expected.length, expected.length + 5));
    for (const got of rest) {
      let bestD = -1;
      let want = -1;
      for (let x = 0; x < n; x++) {
        if (centres.includes(x)) continue;
        const m = Math.min(...centres.map((c) => dist(data, d, x, c)));
        if (m > bestD + 1e-9) {
          bestD = m;
          want = x;
        }
      }
      expect(got).toBe(want);
      centres.push(got);
    }
  });

  it('many identical rows (blank images): the sample halves until the ball graph fits, and every row is ordered', () => {
    const n = 3000;
    const d = 4;
    const data = points(n, d, 5);
    // 1,200 identical rows: alone they make 1,200 x 1,199 edges, more than the 1,000,000 allowed
    for (let i = 0; i < 1200; i++) data.fill(0.5, i * d, (i + 1) * d);
    const r = probcover({ data, n, d, labeled: [], seed: 3, maxEdges: 1_000_000 });
    expect(r.order.length).toBe(n);
    expect(new Set(r.order).size).toBe(n);
    // the identical rows form the largest ball: the first pick is one of them, and no second pick comes from them
    // while the cover lasts (they are all covered by the first)
    expect(r.order[0]!).toBeLessThan(1200);
    const early = Array.from(r.order.subarray(0, 20)).filter((x) => x < 1200);
    expect(early).toHaveLength(1);
    // with an explicit radius there is nothing to shrink: the refusal stays
    expect(() => probcover({ data, n, d, labeled: [], seed: 3, maxEdges: 1_000_000, delta: 0.1 })).toThrow(/edges/);
  });
});
