import { describe, expect, it } from 'vitest';
import { bootstrapCurves, meanInterval, quantileSorted, valuesMeanInterval } from '../../src/main/report/curve-bootstrap.js';
import { chanceLevel } from '../../src/main/report/chance-level.js';
import { mulberry32 } from '../../src/shared/random.js';

describe('bootstrap intervals, hand-worked', () => {
  it('errors 0, 0, 0, 40: the resampled mean is 10 x Binomial(4, 1/4), so the 95 % interval is [0, 30]', () => {
    // P(mean = 0, 10, 20, 30, 40) = 81, 108, 54, 12, 1 (/256): cumulative 0.316, 0.738, 0.949, 0.996, 1.
    // The 2.5 % point is 0; the 97.5 % point falls in the 30 step (0.949 < 0.975 < 0.996), not at 40.
    // A normal interval (mean 10 +- 1.96 x 8.66) would give [-7, 27].
    const r = meanInterval([0, 0, 0, 40], { resamples: 2000, seed: 7 });
    expect(r.mean).toBe(10);
    expect(r.ciLow).toBe(0);
    expect(r.ciHigh).toBe(30);
  });

  it('two seeds with constant errors 10 and 30: the seed resample gives 10, 20 or 30, interval [10, 30]', () => {
    const T = 20;
    const r = bootstrapCurves([
      { strategy: 's', seed: 1, size: 5, errors: new Float32Array(T).fill(10) },
      { strategy: 's', seed: 2, size: 5, errors: new Float32Array(T).fill(30) },
    ]);
    const p = r.strategies[0]!.points[0]!;
    expect([p.mean, p.ciLow, p.ciHigh, p.seeds]).toEqual([20, 10, 30, 2]);
    expect(r.strategies[0]!.identicalCurves).toBe(false);
  });

  it('a deterministic order (every seed the same curve) gets the test-image interval, not a seed band', () => {
    const errs = [0, 0, 0, 40];
    const three = bootstrapCurves(
      [1, 2, 3].map((seed) => ({ strategy: 'g', seed, size: 10, errors: errs, orderKey: 'same' })),
      { seed: 7 },
    );
    const one = meanInterval(errs, { seed: 7 });
    const s = three.strategies[0]!;
    expect([s.identicalCurves, s.orders, s.seeds.length]).toEqual([true, 1, 3]);
    expect([s.points[0]!.ciLow, s.points[0]!.ciHigh]).toEqual([one.ciLow, one.ciHigh]);
  });

  it('counts orders by their keys, not by the strategy name', () => {
    const errs = [1, 2, 3];
    const r = bootstrapCurves([
      { strategy: 'a', seed: 1, size: 1, errors: errs, orderKey: 'x' },
      { strategy: 'a', seed: 2, size: 1, errors: errs, orderKey: 'y' },
    ]);
    expect(r.strategies[0]!.orders).toBe(2);
  });

  it('quantiles interpolate between order statistics and keep "never reached" unbounded', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, Infinity], 0.75)).toBe(Infinity);
    expect(quantileSorted([1, 2, Infinity], 0.5)).toBe(2);
  });

  it('refuses samples measured on different test sets', () => {
    expect(() =>
      bootstrapCurves([
        { strategy: 'a', seed: 1, size: 1, errors: [1, 2] },
        { strategy: 'b', seed: 1, size: 1, errors: [1, 2, 3] },
      ]),
    ).toThrow(/same 2 test images/);
  });
});

describe('bootstrap coverage on simulated data', () => {
  it('about 95 % of test-image intervals contain the true mean error', () => {
    // Half-normal errors (|N(0, 20)|, true mean 20 sqrt(2/pi) = 15.96 deg), 60 test images, 400 trials.
    // Percentile intervals cover 93-95 % here; 400 trials give an sd of about 1.1 %. An interval
    // of the data's spread (not of the mean) covers ~100 %, one too narrow by sqrt(n) ~20 %.
    const rnd = mulberry32(12345);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const truth = 20 * Math.sqrt(2 / Math.PI);
    const trials = 400;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const errs = Float32Array.from({ length: 60 }, () => Math.abs(20 * gauss()));
      const r = meanInterval(errs, { resamples: 1000, seed: t + 1 });
      if (r.ciLow <= truth && truth <= r.ciHigh) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.985);
  });

  it('about 95 % of seed-and-image intervals contain the true mean when seeds vary', () => {
    // 12 seeds, each with its own offset N(0, 4) (the order's luck) on 40 test images of |N(0, 15)| errors.
    // True mean: 15 sqrt(2/pi) (offsets average 0). Two-level bootstrap: seeds, then images.
    const rnd = mulberry32(999);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const truth = 15 * Math.sqrt(2 / Math.PI);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const samples = Array.from({ length: 12 }, (_, k) => {
        const off = 4 * gauss();
        return { strategy: 's', seed: k, size: 1, errors: Float32Array.from({ length: 40 }, () => Math.abs(15 * gauss()) + off) };
      });
      const p = bootstrapCurves(samples, { resamples: 800, seed: t + 1 }).strategies[0]!.points[0]!;
      if (p.ciLow <= truth && truth <= p.ciHigh) covered++;
    }
    // Bootstrapping 12 seeds runs a little narrow (~91-94 %); ignoring the seeds would cover ~50 %.
    expect(covered / trials).toBeGreaterThan(0.86);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('the mean of a few values gets its percentile interval', () => {
    // 3 values 1, 2, 3: resampled means range 1..3; the 2.5 / 97.5 % points are at the ends' neighbours.
    const r = valuesMeanInterval([1, 2, 3], { resamples: 4000, seed: 3 });
    expect(r.mean).toBe(2);
    // P(mean = 1) = P(mean = 3) = 1/27 = 3.7 % > 2.5 %: the ends themselves.
    expect([r.ciLow, r.ciHigh]).toEqual([1, 3]);
  });
});

describe('chance level', () => {
  it('is 90 deg for uniform full-circle angles and 45 for axial ones', () => {
    const uniform = Array.from({ length: 360 }, (_, i) => i + 0.5);
    expect(chanceLevel(uniform, 360).chanceDeg).toBeCloseTo(90, 9);
    expect(
      chanceLevel(
        uniform.map((a) => a / 2),
        180,
      ).chanceDeg,
    ).toBeCloseTo(45, 9);
  });

  it('is the error of always answering the circular mean on skewed angles', () => {
    // 350, 0, 10, 20 deg: circular mean 5 deg (symmetric around it), errors 15, 5, 5, 15 -> 10 deg.
    const c = chanceLevel([350, 0, 10, 20], 360);
    expect(c.circularMeanDeg).toBeCloseTo(5, 9);
    expect(c.circularMeanErrorDeg).toBeCloseTo(10, 9);
    expect(c.chanceDeg).toBeCloseTo(10, 9);
    // axial: 170 and 10 are 20 deg apart across 0; mean direction 0, errors 10 and 10.
    expect(chanceLevel([170, 10], 180).chanceDeg).toBeCloseTo(10, 9);
  });
});

describe('chance level on a small test split', () => {
  it('answers the circular mean only from minForCircularMean test angles on', () => {
    // three angles near 0: their own circular mean fits them well (error ~6.7 deg), far below 90
    const few = [350, 0, 10];
    expect(chanceLevel(few, 360).chanceDeg).toBeCloseTo(20 / 3, 9);
    expect(chanceLevel(few, 360, { minForCircularMean: 50 }).chanceDeg).toBe(90);
    expect(chanceLevel(few, 360, { minForCircularMean: 3 }).chanceDeg).toBeCloseTo(20 / 3, 9);
  });
});
