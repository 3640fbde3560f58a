/**
 * Learning-curve statistics over seeds: for each strategy and labeled-set
 * size, the mean, min, max and standard deviation of the mean absolute angular
 * error (degrees) over the seeds measured at that size.
 */
import { extent, groups, mean, deviation, ascending } from 'd3';
import type { CurvePoint } from '../../shared/types.js';

/** The fields of a curve point these reports use. */
export type CurveSample = Pick<CurvePoint, 'strategy' | 'seed' | 'size' | 'maeDeg'> & Partial<Pick<CurvePoint, 'medianDeg' | 'within10'>>;

export interface CurveAggregate {
  readonly size: number;
  /** Mean over seeds of maeDeg. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  readonly sd: number;
  readonly seeds: number;
}

export interface StrategyCurve {
  readonly strategy: string;
  /** Ascending by size. */
  readonly points: readonly CurveAggregate[];
}

/**
 * Aggregate points by strategy (in order of first appearance) and size (ascending).
 * When a (strategy, seed, size) appears more than once the last one counts.
 */
export function aggregateCurves(points: readonly CurveSample[]): StrategyCurve[] {
  const last = new Map<string, CurveSample>();
  for (const p of points) last.set(JSON.stringify([p.strategy, p.seed, p.size]), p);
  const uniq = [...last.values()];
  return groups(uniq, (p) => p.strategy)
    .sort((a, b) => points.findIndex((p) => p.strategy === a[0]) - points.findIndex((p) => p.strategy === b[0]))
    .map(([strategy, list]) => ({
      strategy,
      points: groups(list, (p) => p.size)
        .sort((a, b) => ascending(a[0], b[0]))
        .map(([size, ps]) => {
          const v = ps.map((p) => p.maeDeg);
          const [lo, hi] = extent(v) as [number, number];
          return { size, mean: mean(v)!, min: lo, max: hi, sd: deviation(v) ?? 0, seeds: v.length };
        }),
    }));
}

/** Per-seed curves of one strategy: seed -> points ascending by size. */
export function seedCurves(points: readonly CurveSample[], strategy: string): Map<number, { size: number; maeDeg: number }[]> {
  const out = new Map<number, { size: number; maeDeg: number }[]>();
  for (const p of points) {
    if (p.strategy !== strategy) continue;
    const list = out.get(p.seed) ?? [];
    const i = list.findIndex((q) => q.size === p.size);
    if (i >= 0) list[i] = { size: p.size, maeDeg: p.maeDeg };
    else list.push({ size: p.size, maeDeg: p.maeDeg });
    out.set(p.seed, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.size - b.size);
  return out;
}
