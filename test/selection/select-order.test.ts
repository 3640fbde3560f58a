import { describe, expect, it } from 'vitest';
import { selectOrder, selectOrderAsync, interleaveOrders } from '../../src/main/selection/select-order.js';
import { randomOrder } from '../../src/main/selection/random-order.js';
import { guardedFps } from '../../src/main/selection/guarded-fps.js';
import { SELECTION_STRATEGIES } from '../../src/main/selection/types.js';
import { seededShuffle } from '../../src/shared/random.js';
import { dist2, randomData } from './helpers.js';

describe('random order', () => {
  it('is a seeded permutation of the unlabeled rows', () => {
    const labeled = [0, 5, 9];
    const a = randomOrder(20, { labeled, seed: 7 });
    expect(a.length).toBe(17);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => !labeled.includes(i)));
    expect(Array.from(randomOrder(20, { labeled, seed: 7 }))).toEqual(Array.from(a));
    expect(Array.from(randomOrder(20, { labeled, seed: 8 }))).not.toEqual(Array.from(a));
    // definition: seededShuffle of the unlabeled rows in ascending order, then the first k
    const free = Array.from({ length: 20 }, (_, i) => i).filter((i) => !labeled.includes(i));
    expect(Array.from(randomOrder(20, { labeled, seed: 7, k: 5 }))).toEqual(seededShuffle(free, 7).slice(0, 5));
  });

  it('is roughly uniform over seeds (first position of 5 rows, 5,000 seeds)', () => {
    const counts = [0, 0, 0, 0, 0];
    for (let s = 0; s < 5000; s++) counts[randomOrder(5, { seed: s })[0]!]!++;
    // chi-square with 4 degrees of freedom; 18.5 is the 0.999 quantile
    const chi = counts.reduce((acc, c) => acc + (c - 1000) ** 2 / 1000, 0);
    expect(chi).toBeLessThan(18.5);
  });
});

describe('interleaveOrders', () => {
  it('alternates arms and skips rows the other arm already took (hand-worked)', () => {
    const r = interleaveOrders([4, 2, 7, 1], [2, 9, 4, 3, 8]);
    // novelty 4, random 2, novelty (2 taken) 7, random 9, novelty 1, random (4 taken) 3, then random 8
    expect(Array.from(r.order)).toEqual([4, 2, 7, 9, 1, 3, 8]);
    expect(r.arm).toEqual(['novelty', 'random', 'novelty', 'random', 'novelty', 'random', 'random']);
  });
  it('continues with the longer arm and rejects repeats', () => {
    expect(Array.from(interleaveOrders([1, 2, 3], []).order)).toEqual([1, 2, 3]);
    expect(interleaveOrders([], [5]).arm).toEqual(['random']);
    expect(() => interleaveOrders([1, 1], [2])).toThrow(/repeats row 1/);
  });
});

describe('selectOrder', () => {
  const n = 160,
    d = 4;
  const data = randomData(n, d, 77);
  const labeled = [3, 50, 120];
  for (const s of SELECTION_STRATEGIES) {
    it(`${s}: permutation of the unlabeled rows, deterministic, radii are true distances`, () => {
      const r = selectOrder(s, { data, n, d, labeled, seed: 5 });
      expect(r.order.length).toBe(n - labeled.length);
      expect(new Set(r.order).size).toBe(n - labeled.length);
      for (const l of labeled) expect(r.order.includes(l)).toBe(false);
      expect(Array.from(selectOrder(s, { data, n, d, labeled, seed: 5 }).order)).toEqual(Array.from(r.order));
      const k = selectOrder(s, { data, n, d, labeled, seed: 5, k: 12 });
      expect(k.order.length).toBe(12);
      if (s === 'random') {
        expect(r.coverageRadius).toBeNull();
        return;
      }
      const before = [...labeled];
      for (let t = 0; t < 40; t++) {
        const x = r.order[t]!;
        expect(r.coverageRadius![t]).toBe(Math.min(...before.map((b) => Math.sqrt(dist2(data, d, x, b)))));
        before.push(x);
      }
    });
  }

  it('passes per-strategy options through', () => {
    const withDelta = selectOrder('probcover', { data, n, d, labeled, seed: 5, k: 20 }, { probcover: { delta: 0.3 } });
    const withDelta2 = selectOrder('probcover', { data, n, d, labeled, seed: 5, k: 20 }, { probcover: { delta: 2 } });
    expect(Array.from(withDelta.order)).not.toEqual(Array.from(withDelta2.order));
    const viaSelect = selectOrder('guarded-fps', { data, n, d, seed: 5, k: 30 }, { guardedFps: { neighbours: 3, quantile: 0.5 } });
    const direct = guardedFps({ data, n, d, seed: 5, k: 30, neighbours: 3, quantile: 0.5 });
    const dflt = guardedFps({ data, n, d, seed: 5, k: 30 });
    expect(Array.from(viaSelect.order)).toEqual(Array.from(direct.order));
    expect(Array.from(direct.order)).not.toEqual(Array.from(dflt.order));
  });

  it('rejects an unknown strategy', () => {
    expect(() => selectOrder('nope' as never, { data, n, d })).toThrow(/unknown strategy "nope"/);
  });

  it('async variant gives the same orders off the main thread', async () => {
    for (const s of ['fps', 'typiclust'] as const) {
      const sync = selectOrder(s, { data, n, d, labeled, seed: 2, k: 50 });
      const asy = await selectOrderAsync(s, { data, n, d, labeled, seed: 2, k: 50 }, { threads: 2 });
      expect(Array.from(asy.order)).toEqual(Array.from(sync.order));
      expect(Array.from(asy.coverageRadius!)).toEqual(Array.from(sync.coverageRadius!));
    }
    await expect(selectOrderAsync('probcover', { data, n, d, labeled: [n] })).rejects.toThrow(/labeled\[0\] = 160/);
  });
});
