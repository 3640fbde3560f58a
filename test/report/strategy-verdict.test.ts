/**
 * The verdict on constructed curves with known answers: per-image errors are
 * built so that the truth is clear (at chance, identical, a clear gap, a gap
 * inside the noise), and the verdict must say exactly that.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapCurves, type ErrorSample } from '../../src/main/report/curve-bootstrap.js';
import { strategyVerdict } from '../../src/main/report/strategy-verdict.js';
import { mulberry32, seededShuffle } from '../../src/shared/random.js';

const SIZES = [25, 50, 100, 200];
const T = 120;

/** Errors of T test images with the given mean: mean + spread x (a fixed zero-mean pattern), optionally noisy. */
function errorsWithMean(mean: number, spread: number, rnd?: () => number): Float32Array {
  return Float32Array.from({ length: T }, (_, i) => {
    const pattern = ((i % 12) - 5.5) / 5.5; // zero mean over every 12 images
    const noise = rnd ? (rnd() - 0.5) * 2 * spread : 0;
    return Math.max(0, mean + spread * pattern + noise);
  });
}

function curve(strategy: string, seed: number, means: number[], spread: number, rnd?: () => number, orderKey?: string): ErrorSample[] {
  return SIZES.map((size, i) => ({ strategy, seed, size, errors: errorsWithMean(means[i]!, spread, rnd), ...(orderKey ? { orderKey } : {}) }));
}

/** Errors spread evenly over [0, 180): exactly what a guess that knows nothing scores (mean 90), shuffled per seed. */
function atChance(strategy: string, seed: number): ErrorSample[] {
  return SIZES.map((size, i) => ({
    strategy,
    seed,
    size,
    errors: Float32Array.from(
      seededShuffle(
        Array.from({ length: T }, (_, k) => ((k + 0.5) * 180) / T),
        seed * 10 + i,
      ),
    ),
  }));
}

const judge = (samples: ErrorSample[], chance = 90) => strategyVerdict(bootstrapCurves(samples, { resamples: 1000, seed: 5 }), chance);
const code = (v: ReturnType<typeof judge>, s: string) => v.strategies.find((c) => c.strategy === s)!.code;

// random: three seeds, means 40 30 20 10 with seed offsets -2, 0, +2 and image spread 5.
const RANDOM = [1, 2, 3].flatMap((seed) =>
  curve(
    'random',
    seed,
    [40, 30, 20, 10].map((m) => m + (seed - 2) * 2),
    5,
  ),
);

describe('strategyVerdict on constructed curves', () => {
  it('a reference that levelled off: a strategy with the same curve saves nothing (plateau and flat cases)', () => {
    // random and twin: bit-identical errors, 40 deg at 25 labels, then 15 deg from 50 labels on (random reaches its
    // final error at 50, not at its largest size 200); and a case flat from the first size on
    for (const means of [
      [40, 15, 15, 15],
      [22, 22, 22, 22],
    ]) {
      const ref = [1, 2, 3].flatMap((seed) => curve('random', seed, means, 5));
      const twin = ref.map((x) => ({ ...x, strategy: 'twin' }));
      const boot = bootstrapCurves([...ref, ...twin], { resamples: 500, seed: 3 });
      const l = boot.labelsToReach.find((x) => x.strategy === 'twin')!;
      // random itself needs as many labels as the twin: the first size where its curve is at its final error
      expect(l.referenceNeeded).toBe(l.size);
      expect([l.savedShare, l.savedLow, l.savedHigh]).toEqual([0, 0, 0]);
      expect(code(strategyVerdict(boot, 90), 'twin')).toBe('no-difference');
    }
  });

  it('curves at chance: not-learned, and no strategy verdict', () => {
    const v = judge([1, 2, 3].flatMap((seed) => [...atChance('random', seed), ...atChance('fps', seed)]));
    expect(v.strategies.map((c) => c.code)).toEqual(['not-learned', 'not-learned']);
    expect(v.notLearned).toBe(true);
    expect(v.best).toBeNull();
    expect(v.sentence).toMatch(/^The orientation model has not learned on this data yet/);
    expect(v.sentence).not.toMatch(/saves|worse/);
  });

  it('one curve at chance is not-learned while a learned one is judged against random', () => {
    const v = judge([...RANDOM, ...[1, 2, 3].flatMap((seed) => atChance('flat', seed))]);
    expect(code(v, 'flat')).toBe('not-learned');
    expect(code(v, 'random')).toBe('no-difference');
    expect(v.notLearned).toBe(false);
  });

  it('two identical orders: no-difference, the paired interval is exactly zero', () => {
    const twin = RANDOM.map((s) => ({ ...s, strategy: 'twin' }));
    const boot = bootstrapCurves([...RANDOM, ...twin], { resamples: 500 });
    for (const d of boot.differences.get('twin')!) expect([d.diff, d.ciLow, d.ciHigh]).toEqual([0, 0, 0]);
    const v = strategyVerdict(boot, 90);
    expect(code(v, 'twin')).toBe('no-difference');
    expect(v.best).toBeNull();
    expect(v.sentence).toMatch(/No strategy is shown to save labels/);
    expect(v.sentence).toMatch(/twin: no difference shown/);
  });

  it("a clear gap with tight intervals: saves, with the labels-saved interval below random's size", () => {
    // fps (one order): 20 12 8 5, reaching random's 10 deg (at 200) between 50 and 100: 50 + 2/4 x 50 = 75 labels.
    const fps = [1, 2, 3].flatMap((seed) => curve('fps', seed, [20, 12, 8, 5], 3, undefined, 'one'));
    const v = judge([...RANDOM, ...fps]);
    expect(code(v, 'fps')).toBe('saves');
    expect(v.best).toBe('fps');
    const l = v.strategies.find((c) => c.strategy === 'fps')!.labels!;
    expect(l.size).toBe(75);
    expect(l.savedShare).toBeCloseTo(1 - 75 / 200, 12);
    expect(l.ciHigh!).toBeLessThan(200);
    expect(l.savedLow!).toBeGreaterThan(0);
    expect(v.strategies.find((c) => c.strategy === 'fps')!.betterAt).toEqual(SIZES);
    expect(v.sentence).toMatch(/^fps saves labels on this data: .* with 75 labels, 63 % fewer \(95 % interval \d+ % to \d+ % fewer; one order for every seed/);
  });

  it('reached already at the smallest size: "at most" that many labels, "at least" the saving', () => {
    const quick = [1, 2, 3].flatMap((seed) => curve('quick', seed, [8, 6, 5, 4], 2, undefined, 'one'));
    const v = judge([...RANDOM, ...quick]);
    expect(code(v, 'quick')).toBe('saves');
    // random's 10 deg at 200 labels; quick is at 8 deg with 25: at most 25 labels, 1 - 25/200 = 88 % fewer at least
    expect(v.sentence).toMatch(/with at most 25 labels \(the smallest size tried\), at least 88 % fewer/);
  });

  it('a clear gap the other way: worse', () => {
    const bad = [1, 2, 3].flatMap((seed) => curve('bad', seed, [60, 50, 40, 30], 3));
    const v = judge([...RANDOM, ...bad]);
    expect(code(v, 'bad')).toBe('worse');
    expect(v.strategies.find((c) => c.strategy === 'bad')!.worseAt).toEqual(SIZES);
    expect(v.sentence).toMatch(/bad is worse than random/);
  });

  it('a gap inside the noise: no-difference', () => {
    // meh is 1 deg better than random at every size, but each test image's error is noisy (+- 40 deg).
    const rnd = mulberry32(77);
    const noisyRandom = [1, 2, 3].flatMap((seed) =>
      curve(
        'random',
        seed,
        [40, 30, 20, 10].map((m) => m + 40),
        40,
        rnd,
      ),
    );
    const meh = [1, 2, 3].flatMap((seed) =>
      curve(
        'meh',
        seed,
        [39, 29, 19, 9].map((m) => m + 40),
        40,
        rnd,
      ),
    );
    const v = judge([...noisyRandom, ...meh], 200);
    expect(code(v, 'meh')).toBe('no-difference');
    const m = v.strategies.find((c) => c.strategy === 'meh')!;
    expect([m.betterAt, m.worseAt]).toEqual([[], []]);
    expect(v.sentence).toMatch(/meh: no difference shown/);
  });

  it('the verdict does not depend on seed order', () => {
    const rnd = mulberry32(3);
    const fps = [1, 2, 3].flatMap((seed) =>
      curve(
        'fps',
        seed,
        [20, 12, 7, 4].map((m) => m + seed),
        6,
        rnd,
      ),
    );
    const bad = [1, 2, 3].flatMap((seed) => curve('bad', seed, [60, 50, 40, 30], 3));
    const all = [...RANDOM, ...fps, ...bad];
    const v = judge(all);
    // the same measurements listed in another order: the same verdict to the digit (strategies listed as they come)
    const byName = (x: ReturnType<typeof judge>) => ({ ...x, strategies: [...x.strategies].sort((a, b) => a.strategy.localeCompare(b.strategy)) });
    const shuffled = judge(seededShuffle(all, 9));
    expect(byName(shuffled)).toEqual(byName(v));
    // seeds renumbered in reverse (seed 1 <-> 3): the same codes
    const renumbered = all.map((s) => ({ ...s, seed: 4 - s.seed }));
    expect(judge(renumbered).strategies.map((c) => c.code)).toEqual(v.strategies.map((c) => c.code));
    expect(shuffled.sentence).toBe(v.sentence);
    expect(v.strategies.map((c) => c.code)).toEqual(['no-difference', 'saves', 'worse']);
  });

  it('too few test images: too-few-test for every strategy', () => {
    const small = [...RANDOM, ...RANDOM.map((s) => ({ ...s, strategy: 'x' }))].map((s) => ({ ...s, errors: Array.from(s.errors).slice(0, 30) }));
    const v = judge(small);
    expect(v.strategies.map((c) => c.code)).toEqual(['too-few-test', 'too-few-test']);
    expect(v.sentence).toBe('No verdict: the test split has only 30 images with a ground-truth angle (at least 50 are needed to tell strategies apart).');
  });

  it('gives no verdict without a random arm', () => {
    const v = judge(curve('fps', 1, [20, 12, 8, 5], 3));
    expect(v.sentence).toMatch(/add random/);
    expect(v.best).toBeNull();
  });
});
