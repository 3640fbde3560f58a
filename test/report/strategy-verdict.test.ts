import { describe, expect, it } from 'vitest';
import { labelsNeeded } from '../../src/main/report/labels-needed.js';
import { strategyVerdict, worseThanRandomAt } from '../../src/main/report/strategy-verdict.js';

type P = { strategy: string; seed: number; size: number; maeDeg: number };
const SIZES = [25, 50, 100, 200];
const pts = (strategy: string, seed: number, mae: number[]): P[] => SIZES.map((size, i) => ({ strategy, seed, size, maeDeg: mae[i]! }));

// Hand-worked curves (two seeds each). random: means 60 50 40 30 (target 30 at 200 labels),
// seed sd 2.83 2.83 1.41 1.41 (two values 4 or 2 apart: |a - b| / sqrt 2).
const RANDOM = [...pts('random', 1, [62, 52, 41, 31]), ...pts('random', 2, [58, 48, 39, 29])];
// fps: means 55 40 28 20 -> reaches 30 at 50 + 10/12 * 50 = 91.7 -> 92 labels: 54% saved; seeds 97 and 87.
const FPS = [...pts('fps', 1, [57, 42, 29, 21]), ...pts('fps', 2, [53, 38, 27, 19])];
// bad: means 65 55 45 35 (sd 1.41): 5 deg worse than random everywhere, beyond max(sd) = 2.83 / 1.41; never reaches 30.
const BAD = [...pts('bad', 1, [66, 56, 46, 36]), ...pts('bad', 2, [64, 54, 44, 34])];
// meh: means 61 51 41 31 (sd as random): 1 deg worse, within the spread; never reaches 30.
const MEH = [...pts('meh', 1, [63, 53, 42, 32]), ...pts('meh', 2, [59, 49, 40, 30])];
// small: means 56 46 36 26 -> 100 + 6/10 * 100 = 160 labels: 20% saved; seeds 170 (57 47 37 27) and 150 (55 45 35 25).
const SMALL = [...pts('small', 1, [57, 47, 37, 27]), ...pts('small', 2, [55, 45, 35, 25])];

const verdict = (points: P[]) => strategyVerdict(points, labelsNeeded(points));

describe('worseThanRandomAt', () => {
  it('flags sizes where the mean is worse than random by more than the larger seed sd', () => {
    const all = [...RANDOM, ...BAD, ...MEH, ...FPS];
    expect(worseThanRandomAt(all, 'bad')).toEqual([25, 50, 100, 200]);
    expect(worseThanRandomAt(all, 'meh')).toEqual([]);
    expect(worseThanRandomAt(all, 'fps')).toEqual([]);
    expect(worseThanRandomAt(all, 'absent')).toEqual([]);
  });
});

describe('strategyVerdict', () => {
  it('names the strategy that saves the most labels and calls the data redundant', () => {
    const v = verdict([...RANDOM, ...FPS, ...BAD, ...SMALL]);
    expect(v.best).toBe('fps');
    expect(v.data).toBe('redundant');
    const fps = v.assessments.find((a) => a.strategy === 'fps')!;
    expect(fps.saved).toBeCloseTo(1 - 92 / 200, 12);
    expect([fps.seedsSaving, fps.seeds, fps.savesLabels]).toEqual([2, 2, true]);
    const bad = v.assessments.find((a) => a.strategy === 'bad')!;
    expect([bad.saved, bad.savesLabels]).toEqual([null, false]);
    expect(v.sentence).toContain('fps saves labels on this data');
    expect(v.sentence).toContain('200 labels with 54% fewer labels (2 of 2 seeds)');
    expect(v.sentence).toContain('looks redundant');
  });

  it('calls a 20% saving somewhat redundant', () => {
    const v = verdict([...RANDOM, ...SMALL, ...MEH]);
    expect(v.best).toBe('small');
    expect(v.data).toBe('somewhat-redundant');
    expect(v.assessments.find((a) => a.strategy === 'small')!.saved).toBeCloseTo(0.2, 12);
    expect(v.sentence).toContain('20% fewer');
    // with a 25% bar for saving labels at all, nothing saves: balanced
    const strict = strategyVerdict([...RANDOM, ...SMALL, ...MEH], labelsNeeded([...RANDOM, ...SMALL, ...MEH]), { minSaved: 0.25 });
    expect([strict.best, strict.data]).toEqual([null, 'balanced']);
  });

  it('calls the data balanced when no strategy saves labels, and names the safe ones', () => {
    const v = verdict([...RANDOM, ...BAD, ...MEH]);
    expect([v.best, v.data]).toEqual([null, 'balanced']);
    expect(v.sentence).toContain('looks balanced');
    expect(v.sentence).toContain('meh is no worse than random at any size');
    expect(v.sentence).not.toContain('bad');
  });

  it('needs a majority of seeds: one lucky seed does not count', () => {
    // lucky: seed 1 reaches 30 at 50 labels, seeds 2 and 3 never (31, 32 at 200).
    const LUCKY = [...pts('lucky', 1, [40, 30, 20, 15]), ...pts('lucky', 2, [60, 50, 40, 31]), ...pts('lucky', 3, [60, 50, 40, 32])];
    // mean curve 53.3 43.3 33.3 26: reaches 30 at 100 + 3.33/7.33 * 100 = 145.5 -> 146 labels (27% saved)
    const v = verdict([...RANDOM, ...LUCKY]);
    const a = v.assessments[0]!;
    expect(a.seedsSaving).toBe(1);
    expect(a.saved).toBeCloseTo(1 - 146 / 200, 12);
    expect(a.savesLabels).toBe(false);
    expect(v.data).toBe('balanced');
  });

  it('gives no verdict without a random arm', () => {
    const points = [...FPS, ...BAD];
    const v = strategyVerdict(points, labelsNeeded(points));
    expect([v.data, v.best]).toEqual([null, null]);
    expect(v.sentence).toContain('add random');
  });

  it('does not count one seed-independent curve as many seeds', () => {
    // same: the fps curve with both seeds identical (55 40 28 20 each): 92 labels, as in the fps case above.
    const SAME = [...pts('same', 1, [55, 40, 28, 20]), ...pts('same', 2, [55, 40, 28, 20])];
    const v = verdict([...RANDOM, ...SAME]);
    expect(v.best).toBe('same');
    expect(v.sentence).toMatch(/one order: it gives the same curve for every seed/);
    expect(v.sentence).not.toMatch(/2 of 2 seeds/);
    expect(verdict([...RANDOM, ...FPS]).sentence).toMatch(/\(2 of 2 seeds\)/);
  });
});
