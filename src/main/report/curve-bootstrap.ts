/**
 * Intervals for learning curves from per-test-image angular errors.
 *
 * A curve point of a strategy is the mean over seeds of the mean absolute
 * angular error over the test images. Its 95 % interval comes from a
 * bootstrap that resamples both sources of noise at once (a crossed two-way
 * bootstrap): in every replicate the seeds are drawn with replacement and the
 * test images are drawn with replacement, and the same draw serves every
 * strategy and size. So
 * - a strategy whose seeds all gave the same curve (its order does not depend
 *   on the seed) gets the test-image interval alone: resampling identical
 *   curves changes nothing;
 * - differences between strategies and the labels needed to reach random
 *   order's error are paired (same test images, same seeds) and take their
 *   interval from the same replicates.
 * Percentile intervals (2.5 % and 97.5 %), seeded PRNG (reproducible).
 */
import { AppError } from '../../shared/errors.js';
import { mulberry32 } from '../../shared/random.js';
import { sizeToReach } from './labels-needed.js';

/** Per-test-image errors of one (strategy, seed, size) measurement. */
export interface ErrorSample {
  readonly strategy: string;
  readonly seed: number;
  readonly size: number;
  /** Angular error (degrees) of every test image, in the same test-image order for every sample. */
  readonly errors: ArrayLike<number>;
  /** Identity of the order the labels came from (e.g. a hash of its first images); seeds with the same key share one order. */
  readonly orderKey?: string;
}

export interface PointInterval {
  readonly size: number;
  /** Mean over seeds of the mean error over test images (degrees). */
  readonly mean: number;
  /** Mean over seeds of the median error. */
  readonly median: number;
  /** Mean over seeds of the share within 10 degrees. */
  readonly within10: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly seeds: number;
}

export interface StrategyIntervals {
  readonly strategy: string;
  /** Seeds, ascending. */
  readonly seeds: readonly number[];
  /** Distinct orders among the seeds (by orderKey; by the curves themselves without keys). */
  readonly orders: number;
  /** Every seed gave exactly the same per-image errors: one measurement, test-image interval only. */
  readonly identicalCurves: boolean;
  readonly points: readonly PointInterval[];
}

export interface Difference {
  readonly size: number;
  /** strategy minus reference, degrees (negative: the strategy is better). */
  readonly diff: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

export interface LabelsToReach {
  readonly strategy: string;
  readonly reference: string;
  /** The reference's mean error at its largest size. */
  readonly targetMaeDeg: number;
  readonly referenceSize: number;
  /** Labels the strategy needs (interpolated), null when not reached within the sizes tried. */
  readonly size: number | null;
  /** 95 % interval of the labels needed; ciHigh null = not reached in more than 2.5 % of replicates. */
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /**
   * Labels the reference itself needs to reach that error on its own curve (interpolated the same way):
   * referenceSize unless its curve got there earlier and levelled off.
   */
  readonly referenceNeeded: number;
  /**
   * 1 - size / referenceNeeded, with its interval from the same replicates (paired: in each, both curves
   * are read off the same resampled seeds and test images); savedLow null: the strategy does not reach
   * the error in more than 2.5 % of replicates.
   */
  readonly savedShare: number | null;
  readonly savedLow: number | null;
  readonly savedHigh: number | null;
}

export interface CurveBootstrap {
  readonly testSize: number;
  readonly resamples: number;
  readonly strategies: readonly StrategyIntervals[];
  /** Paired differences to the reference at every size both measured (one entry per other strategy). */
  readonly differences: ReadonlyMap<string, readonly Difference[]>;
  readonly labelsToReach: readonly LabelsToReach[];
}

/** Resamples behind every interval compare and the live curve report. */
export const BOOTSTRAP_RESAMPLES = 2000;

export interface BootstrapOptions {
  /** Resamples (default 2000). */
  readonly resamples?: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Reference strategy of the differences and labels needed (default 'random'). */
  readonly reference?: string;
}

/** Quantile (linear interpolation between order statistics, R type 7) of an ascending array; +Infinity propagates. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const f = h - lo;
  if (f === 0 || a === b) return a;
  if (!Number.isFinite(a)) return a;
  if (!Number.isFinite(b)) return b;
  return a + f * (b - a);
}

const LOW = 0.025;
const HIGH = 0.975;

/** 95 % percentile interval of a set of replicates (sorted in place). */
function interval(reps: Float64Array): [number, number] {
  reps.sort();
  return [quantileSorted(reps, LOW), quantileSorted(reps, HIGH)];
}

function median(v: ArrayLike<number>): number {
  const s = Float64Array.from(v).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function sameErrors(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Prepared {
  readonly strategy: string;
  readonly seeds: number[];
  readonly sizes: number[];
  /** [seed][size] per-image errors (one seed row when the curves are identical). */
  readonly errors: Float64Array[][];
  readonly orders: number;
  readonly identicalCurves: boolean;
}

function prepare(samples: readonly ErrorSample[]): { prepared: Prepared[]; testSize: number } {
  if (samples.length === 0) throw new AppError('invalid-argument', 'no curve measurements to bootstrap');
  const testSize = samples[0]!.errors.length;
  if (testSize === 0) throw new AppError('invalid-argument', 'curve measurements without test images');
  const byStrategy = new Map<string, Map<number, Map<number, ErrorSample>>>();
  for (const s of samples) {
    if (s.errors.length !== testSize) {
      throw new AppError(
        'invalid-argument',
        `every curve point must be measured on the same ${testSize} test images; ${s.strategy} seed ${s.seed} at ${s.size} has ${s.errors.length}`,
      );
    }
    const bySeed = byStrategy.get(s.strategy) ?? byStrategy.set(s.strategy, new Map()).get(s.strategy)!;
    const bySize = bySeed.get(s.seed) ?? bySeed.set(s.seed, new Map()).get(s.seed)!;
    bySize.set(s.size, s);
  }
  const prepared: Prepared[] = [];
  for (const [strategy, bySeed] of byStrategy) {
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    // Sizes every seed measured.
    const sizes = [...bySeed.get(seeds[0]!)!.keys()].filter((z) => seeds.every((k) => bySeed.get(k)!.has(z))).sort((a, b) => a - b);
    const rows = seeds.map((k) => sizes.map((z) => bySeed.get(k)!.get(z)!));
    const identicalCurves = rows.every((row) => row.every((s, j) => sameErrors(s.errors, rows[0]![j]!.errors)));
    const keys = rows.map((row) => row[0]?.orderKey);
    const orders = keys.every((k) => k !== undefined) ? new Set(keys).size : identicalCurves ? 1 : seeds.length;
    const used = identicalCurves ? rows.slice(0, 1) : rows;
    prepared.push({ strategy, seeds, sizes, errors: used.map((row) => row.map((s) => Float64Array.from(s.errors))), orders, identicalCurves });
  }
  return { prepared, testSize };
}

/**
 * Bootstrap every curve point, the paired differences to the reference and
 * the labels each strategy needs to reach the reference's error at its
 * largest size (see the module comment).
 */
export function bootstrapCurves(samples: readonly ErrorSample[], opts: BootstrapOptions = {}): CurveBootstrap {
  const B = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const reference = opts.reference ?? 'random';
  const { prepared, testSize: T } = prepare(samples);
  const K = Math.max(...prepared.map((p) => p.seeds.length));
  const rnd = mulberry32(opts.seed ?? 1);
  // reps[s][z][b]: the strategy's curve point in replicate b.
  const reps = prepared.map((p) => p.sizes.map(() => new Float64Array(B)));
  const counts = new Float64Array(T);
  const seedDraw = new Float64Array(K);
  const means = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < K; j++) seedDraw[j] = rnd();
    counts.fill(0);
    for (let i = 0; i < T; i++) counts[Math.floor(rnd() * T)]! += 1;
    prepared.forEach((p, si) => {
      const rows = p.errors.length;
      for (let z = 0; z < p.sizes.length; z++) {
        for (let k = 0; k < rows; k++) {
          const e = p.errors[k]![z]!;
          let s = 0;
          for (let i = 0; i < T; i++) s += counts[i]! * e[i]!;
          means[k] = s / T;
        }
        let m = 0;
        // The same uniform draws pick the seeds of every strategy: seed j pairs with seed j.
        for (let j = 0; j < K; j++) m += means[Math.floor(seedDraw[j]! * rows)]!;
        reps[si]![z]![b] = m / K;
      }
    });
  }

  const pointMeans = prepared.map((p) => p.sizes.map((_, z) => mean(p.errors.map((row) => mean(row[z]!)))));
  const strategies: StrategyIntervals[] = prepared.map((p, si) => ({
    strategy: p.strategy,
    seeds: p.seeds,
    orders: p.orders,
    identicalCurves: p.identicalCurves,
    points: p.sizes.map((size, z) => {
      const [ciLow, ciHigh] = interval(Float64Array.from(reps[si]![z]!));
      return {
        size,
        mean: pointMeans[si]![z]!,
        median: mean(p.errors.map((row) => median(row[z]!))),
        within10: mean(p.errors.map((row) => share10(row[z]!))),
        ciLow,
        ciHigh,
        seeds: p.seeds.length,
      };
    }),
  }));

  const differences = new Map<string, Difference[]>();
  const labelsToReach: LabelsToReach[] = [];
  const ri = prepared.findIndex((p) => p.strategy === reference);
  if (ri >= 0) {
    const r = prepared[ri]!;
    const last = r.sizes.length - 1;
    const target = pointMeans[ri]![last]!;
    const referenceSize = r.sizes[last]!;
    prepared.forEach((p, si) => {
      if (si === ri) return;
      const diffs: Difference[] = [];
      p.sizes.forEach((size, z) => {
        const rz = r.sizes.indexOf(size);
        if (rz < 0) return;
        const d = new Float64Array(B);
        for (let b = 0; b < B; b++) d[b] = reps[si]![z]![b]! - reps[ri]![rz]![b]!;
        const [ciLow, ciHigh] = interval(d);
        diffs.push({ size, diff: pointMeans[si]![z]! - pointMeans[ri]![rz]!, ciLow, ciHigh });
      });
      differences.set(p.strategy, diffs);

      const curveAt = (b: number | null): { size: number; mae: number }[] =>
        p.sizes.map((size, z) => ({ size, mae: b === null ? pointMeans[si]![z]! : reps[si]![z]![b]! }));
      // The saving is against the labels random order itself needs for that error, not its largest size:
      // a reference that levelled off early reaches its own final error early too.
      const refAt = (b: number | null): { size: number; mae: number }[] =>
        r.sizes.map((sz, z) => ({ size: sz, mae: b === null ? pointMeans[ri]![z]! : reps[ri]![z]![b]! }));
      const size = sizeToReach(curveAt(null), target);
      const referenceNeeded = sizeToReach(refAt(null), target) ?? referenceSize;
      const sizes = new Float64Array(B);
      const saved = new Float64Array(B);
      for (let b = 0; b < B; b++) {
        const t = reps[ri]![last]![b]!;
        sizes[b] = sizeToReach(curveAt(b), t) ?? Infinity;
        const own = sizeToReach(refAt(b), t) ?? referenceSize;
        saved[b] = Number.isFinite(sizes[b]!) ? 1 - sizes[b]! / own : -Infinity;
      }
      const [lo, hi] = interval(sizes);
      const [sLo, sHi] = interval(saved);
      const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
      labelsToReach.push({
        strategy: p.strategy,
        reference,
        targetMaeDeg: target,
        referenceSize,
        referenceNeeded,
        size,
        ciLow: fin(lo),
        ciHigh: fin(hi),
        savedShare: size === null ? null : 1 - size / referenceNeeded,
        savedLow: fin(sLo),
        savedHigh: fin(sHi),
      });
    });
  }
  return { testSize: T, resamples: B, strategies, differences, labelsToReach };
}

function mean(v: ArrayLike<number> | readonly number[]): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

function share10(v: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! <= 10) c++;
  return c / v.length;
}

/**
 * 95 % interval of the mean of one set of per-image errors (the live curve's
 * points: one order, one model): a bootstrap over test images.
 */
export function meanInterval(errors: ArrayLike<number>, opts: { resamples?: number; seed?: number } = {}): { mean: number; ciLow: number; ciHigh: number } {
  const r = bootstrapCurves([{ strategy: 'x', seed: 0, size: 1, errors }], { ...opts, reference: '' });
  const p = r.strategies[0]!.points[0]!;
  return { mean: p.mean, ciLow: p.ciLow, ciHigh: p.ciHigh };
}

/**
 * Percentile-bootstrap interval of the mean of a few values (e.g. random
 * order's group coverage over seeds).
 */
export function valuesMeanInterval(
  values: readonly number[],
  opts: { resamples?: number; seed?: number } = {},
): { mean: number; ciLow: number; ciHigh: number } {
  const B = opts.resamples ?? 2000;
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, ciLow: m, ciHigh: m };
  const rnd = mulberry32(opts.seed ?? 1);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += values[Math.floor(rnd() * n)]!;
    reps[b] = s / n;
  }
  const [ciLow, ciHigh] = interval(reps);
  return { mean: m, ciLow, ciHigh };
}
