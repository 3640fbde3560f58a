/** The app's learning-curve series carry the interval, chance level and groups of compare and live points. */
import { describe, expect, it } from 'vitest';
import { atChance, buildSeries } from '../../src/renderer/lib/curve-series.js';
import type { CurvePoint } from '../../src/shared/types.js';

const p = (strategy: string, size: number, seed: number, mae: number, more: Partial<CurvePoint> = {}): CurvePoint => ({
  model: 'exemplar',
  size,
  strategy,
  seed,
  maeDeg: mae,
  medianDeg: mae,
  within10: 0.5,
  testSize: 100,
  source: 'compare',
  createdAt: '2026-01-01T00:00:00Z',
  ...more,
});

describe('learning-curve series with intervals', () => {
  it('takes the 95 % interval, chance level, one-order mark, verdict and mean groups of a size', () => {
    const ci = { ciLow: 20, ciHigh: 30, chanceDeg: 88 };
    const s = buildSeries([
      p('guarded-fps', 10, 1, 25, { ...ci, extra: { oneOrder: true, verdict: 'saves', groups: 4 } }),
      p('guarded-fps', 10, 2, 25, { ...ci, extra: { oneOrder: true, verdict: 'saves', groups: 4 } }),
      p('random', 10, 1, 40, { ciLow: 30, ciHigh: 52, chanceDeg: 88, extra: { groups: 3 } }),
      p('random', 10, 2, 50, { ciLow: 30, ciHigh: 52, chanceDeg: 88, extra: { groups: 6 } }),
    ]);
    const g = s.find((x) => x.strategy === 'guarded-fps')!;
    expect([g.oneOrder, g.verdict]).toEqual([true, 'saves']);
    expect(g.points[0]).toMatchObject({ mae: 25, ciLow: 20, ciHigh: 30, chanceDeg: 88, groups: 4 });
    const r = s.find((x) => x.strategy === 'random')!;
    expect(r.oneOrder).toBe(false);
    expect(r.points[0]).toMatchObject({ mae: 45, min: 40, max: 50, ciLow: 30, ciHigh: 52, groups: 4.5 });
  });

  it('calls a point at chance while its interval reaches the chance level', () => {
    expect(atChance({ ciHigh: 95, chanceDeg: 90 })).toBe(true);
    expect(atChance({ ciHigh: 90, chanceDeg: 90 })).toBe(true);
    expect(atChance({ ciHigh: 80, chanceDeg: 90 })).toBe(false);
    // points from before intervals say nothing either way
    expect(atChance({ chanceDeg: 90 })).toBe(false);
    const old = buildSeries([p('random', 10, 1, 40)]);
    expect(old[0]!.points[0]!.ciLow).toBeUndefined();
  });
});
