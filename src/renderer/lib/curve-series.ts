/**
 * Learning-curve series for the chart: one series per strategy (and source,
 * and orientation model when the points come from more than one), one point
 * per labeled-set size, averaged over seeds with the min-max spread.
 */
import type { CurvePoint } from '../../shared/types.js';

export interface SeriesPoint {
  readonly size: number;
  readonly mae: number;
  readonly min: number;
  readonly max: number;
  readonly median: number;
  readonly within10: number;
  readonly seeds: number;
  readonly testSize: number;
}

export interface Series {
  readonly key: string;
  readonly label: string;
  readonly strategy: string;
  readonly isBaseline: boolean;
  readonly points: readonly SeriesPoint[];
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
      }));
    out.push({
      key,
      label: `${strategyLabel(first.strategy)}${first.source === 'compare' ? ' (compare)' : ''}${mixedModels ? ` · ${first.model} model` : ''}`,
      strategy: first.strategy,
      isBaseline: first.strategy === 'random',
      points: sp,
    });
  }
  return out.sort((a, b) => Number(a.isBaseline) - Number(b.isBaseline) || a.key.localeCompare(b.key));
}
