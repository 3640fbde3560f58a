/**
 * "Labels saved": how many labels a strategy needs to reach the error another
 * strategy (the reference, default random) reaches at its largest labeled-set
 * size (docs/architecture.md, pipeline stage 6).
 *
 * Target T = the reference's mean (over seeds) MAE at its largest size N_ref.
 * For strategy s with mean curve (n_1, m_1) .. (n_k, m_k), ascending sizes:
 * the first i with m_i <= T. If i = 1 the answer is n_1 (it may be reached
 * earlier; the schedule cannot tell). Otherwise, with `interpolate` (default),
 * the size is interpolated linearly between the schedule sizes n_{i-1} and n_i
 * where the straight line between (n_{i-1}, m_{i-1}) and (n_i, m_i) meets T,
 * rounded up to a whole label; without it, n_i. Never reached: null.
 * savedShare = 1 - size / N_ref. The spread: the same computation on each of
 * s's seeds against the same target.
 */
import type { CompareResult } from '../../shared/types.js';
import type { CurveSample } from './curve-stats.js';
import { aggregateCurves, seedCurves } from './curve-stats.js';

/** Labels a strategy needs to reach a reference's error at the reference's largest size (the shared CompareResult entry). */
export type LabelsNeeded = CompareResult['labelsNeeded'][number];

export interface LabelsNeededOptions {
  /** Reference strategy (default 'random'). When absent from the points, every ordered pair is reported. */
  readonly reference?: string;
  /** Interpolate linearly between schedule sizes (default true). */
  readonly interpolate?: boolean;
}

/** Smallest size at which a curve (ascending sizes) reaches `target`, see the module doc. */
export function sizeToReach(curve: readonly { size: number; mae: number }[], target: number, interpolate = true): number | null {
  for (let i = 0; i < curve.length; i++) {
    const c = curve[i]!;
    if (c.mae <= target) {
      if (i === 0 || !interpolate) return c.size;
      const p = curve[i - 1]!;
      const t = (p.mae - target) / (p.mae - c.mae); // in (0, 1]: p.mae > target >= c.mae
      return Math.ceil(p.size + t * (c.size - p.size) - 1e-9);
    }
  }
  return null;
}

/**
 * For each strategy other than the reference: labels needed to reach the
 * reference's error at its largest size; and for the reference, labels needed
 * to reach each other strategy's error at that strategy's largest size.
 */
export function labelsNeeded(points: readonly CurveSample[], opts: LabelsNeededOptions = {}): LabelsNeeded[] {
  const reference = opts.reference ?? 'random';
  const interpolate = opts.interpolate ?? true;
  const curves = aggregateCurves(points);
  const byName = new Map(curves.map((c) => [c.strategy, c]));
  const pairs: [string, string][] = [];
  if (byName.has(reference)) {
    for (const c of curves) if (c.strategy !== reference) pairs.push([c.strategy, reference]);
    for (const c of curves) if (c.strategy !== reference) pairs.push([reference, c.strategy]);
  } else {
    for (const a of curves) for (const b of curves) if (a !== b) pairs.push([a.strategy, b.strategy]);
  }
  return pairs.map(([s, r]) => {
    const ref = byName.get(r)!;
    const last = ref.points[ref.points.length - 1]!;
    const target = last.mean;
    const size = sizeToReach(
      byName.get(s)!.points.map((p) => ({ size: p.size, mae: p.mean })),
      target,
      interpolate,
    );
    const seedSizes = [...seedCurves(points, s).entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([seed, list]) => ({
        seed,
        size: sizeToReach(
          list.map((p) => ({ size: p.size, mae: p.maeDeg })),
          target,
          interpolate,
        ),
      }));
    return {
      strategy: s,
      reference: r,
      targetMaeDeg: target,
      size,
      referenceSize: last.size,
      savedShare: size === null ? null : 1 - size / last.size,
      seedSizes,
    };
  });
}
