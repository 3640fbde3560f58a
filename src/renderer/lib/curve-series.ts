/**
 * Learning-curve series for the chart: one series per strategy (and source,
 * and orientation model when the points come from more than one), one point
 * per labeled-set size, averaged over seeds with the min-max spread and, where
 * measured, the 95 % interval (bootstrap over test images, and over seeds where
 * the orders differ) and the chance level.
 */
import type { CurvePoint, VerdictCode } from '../../shared/types.js';

export interface SeriesPoint {
  readonly size: number;
  readonly mae: number;
  readonly min: number;
  readonly max: number;
  readonly median: number;
  readonly within10: number;
  readonly seeds: number;
  readonly testSize: number;
  /** 95 % interval of the mean error (degrees), when measured. */
  readonly ciLow?: number;
  readonly ciHigh?: number;
  /** Chance level of the test split (degrees), when known. */
  readonly chanceDeg?: number;
  /** Mean over seeds of the distinct groups among the first `size` labels, when the truth named groups. */
  readonly groups?: number;
}

/** A point is at chance while its interval reaches the chance level: nothing learned that the test split can show. */
export function atChance(p: Pick<SeriesPoint, 'ciHigh' | 'chanceDeg'>): boolean {
  return p.ciHigh !== undefined && p.chanceDeg !== undefined && p.ciHigh >= p.chanceDeg;
}

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly strategy: string;
  readonly isBaseline: boolean;
  readonly points: readonly SeriesPoint[];
  /** Every seed gave the same order and curve (compare marks it): one measurement, its interval over test images. */
  readonly oneOrder: boolean;
  /** The compare verdict code of this strategy, for compare series. */
  readonly verdict?: VerdictCode;
}

const NAMES: Record<string, string> = {
  fps: 'Novelty (furthest point)',
  random: 'Random baseline',
  typiclust: 'TypiClust',
  probcover: 'ProbCover',
  'guarded-fps': 'Guarded FPS',
  'fps-medoid': 'FPS to the medoid',
  interleaved: 'Interleaved',
  novelty: 'Novelty arm (interleaved)',
  'all labels': 'All training labels',
};

export function strategyLabel(s: string): string {
  return NAMES[s] ?? s;
}

export function buildSeries(points: readonly CurvePoint[]): Series[] {
  // Errors of two different models never share a line: split by model only when both are present.
  const mixedModels = new Set(points.map((p) => p.model)).size > 1;
  const groups = new Map<string, CurvePoint[]>();
  for (const p of points) {
    const key = `${p.strategy}|${p.source}${mixedModels ? `|${p.model}` : ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  const out: Series[] = [];
  for (const [key, pts] of groups) {
    const first = pts[0]!;
    const bySize = new Map<number, CurvePoint[]>();
    for (const p of pts) {
      let g = bySize.get(p.size);
      if (!g) bySize.set(p.size, (g = []));
      g.push(p);
    }
    const sp: SeriesPoint[] = [...bySize.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([size, g]) => ({
        size,
        mae: g.reduce((s, p) => s + p.maeDeg, 0) / g.length,
        min: Math.min(...g.map((p) => p.maeDeg)),
        max: Math.max(...g.map((p) => p.maeDeg)),
        median: g.reduce((s, p) => s + p.medianDeg, 0) / g.length,
        within10: g.reduce((s, p) => s + p.within10, 0) / g.length,
        seeds: new Set(g.map((p) => p.seed)).size,
        testSize: g[g.length - 1]!.testSize,
        ...intervalOf(g),
      }));
    out.push({
      key,
      label: `${strategyLabel(first.strategy)}${first.source === 'compare' ? ' (compare)' : ''}${mixedModels ? ` · ${first.model} model` : ''}`,
      strategy: first.strategy,
      isBaseline: first.strategy === 'random',
      points: sp,
      oneOrder: pts.some((p) => p.extra?.oneOrder === true),
      ...(pts[pts.length - 1]!.extra?.verdict ? { verdict: pts[pts.length - 1]!.extra!.verdict! } : {}),
    });
  }
  return out.sort((a, b) => Number(a.isBaseline) - Number(b.isBaseline) || a.key.localeCompare(b.key));
}

/** Interval, chance level and groups of one size's points: every seed's row of a compare point carries the same interval; of repeated live points the latest counts. */
function intervalOf(g: readonly CurvePoint[]): Pick<SeriesPoint, 'ciLow' | 'ciHigh' | 'chanceDeg' | 'groups'> {
  const last = [...g].reverse().find((p) => p.ciLow !== undefined && p.ciHigh !== undefined);
  const chance = [...g].reverse().find((p) => p.chanceDeg !== undefined)?.chanceDeg;
  const groups = g.filter((p) => p.extra?.groups !== undefined).map((p) => p.extra!.groups!);
  return {
    ...(last ? { ciLow: last.ciLow!, ciHigh: last.ciHigh! } : {}),
    ...(chance !== undefined ? { chanceDeg: chance } : {}),
    ...(groups.length > 0 ? { groups: groups.reduce((a, b) => a + b, 0) / groups.length } : {}),
  };
}
