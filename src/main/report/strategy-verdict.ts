/**
 * The plain-words verdict of a comparison (issue 6, "In the product"): which
 * strategy saves labels on this data, and whether the data looks redundant
 * (random order wastes labels on dense regions, so a novelty order pays) or
 * balanced (random order is hard to beat).
 *
 * Inputs: the learning-curve points (for the per-size check) and the
 * labels-needed figures against random order (labels-needed.ts: labels a
 * strategy needs to reach random's mean error at random's largest size N).
 *
 * Rules (deterministic, no data-dependent tuning):
 * - saved(s) = savedShare of s against random (null = never reached: 0 saved,
 *   and s "costs" labels).
 * - s is worse than random at size n when mean_s(n) - mean_r(n) > max(sd_s(n), sd_r(n)),
 *   sd = sample standard deviation of the mean angular error over seeds
 *   (curve-stats.ts): worse beyond the seeds' spread (issue 6, criterion b).
 * - s saves labels when saved(s) >= `minSaved` (default 0.1) and more than
 *   half of its seeds reach the target with fewer than N labels (so one lucky
 *   seed does not make the call).
 * - The best strategy: the largest saved(s) among the strategies that save
 *   labels, ties by first appearance.
 * - The data looks redundant when the best saves >= `redundantSaved`
 *   (default 0.25: a quarter of the labels); somewhat redundant when some
 *   strategy saves labels but less than that; balanced when none does.
 * Without a random arm there is no reference, and the sentence says so.
 */
import type { CurveSample } from './curve-stats.js';
import { aggregateCurves } from './curve-stats.js';

/** The fields of a labels-needed entry the verdict reads (CompareResult['labelsNeeded'][number] fits). */
export interface NeededSample {
  readonly strategy: string;
  readonly reference: string;
  readonly size: number | null;
  readonly referenceSize: number;
  readonly savedShare: number | null;
  readonly seedSizes: readonly { readonly seed: number; readonly size: number | null }[];
}

export interface VerdictOptions {
  /** Smallest labels-saved share that counts as saving labels (default 0.1). */
  readonly minSaved?: number;
  /** Labels-saved share of the best strategy from which the data is called redundant (default 0.25). */
  readonly redundantSaved?: number;
}

export interface StrategyAssessment {
  readonly strategy: string;
  /** savedShare against random (null: never reaches random's error at its largest size). */
  readonly saved: number | null;
  /** Seeds whose own curve reaches the target with fewer labels than random's largest size. */
  readonly seedsSaving: number;
  readonly seeds: number;
  /** Sizes at which the strategy is worse than random beyond the seeds' spread. */
  readonly worseAt: readonly number[];
  readonly savesLabels: boolean;
}

export interface StrategyVerdict {
  /** 'redundant' | 'somewhat-redundant' | 'balanced', or null without a random arm. */
  readonly data: 'redundant' | 'somewhat-redundant' | 'balanced' | null;
  /** The strategy that saves the most labels, or null when none does. */
  readonly best: string | null;
  readonly assessments: readonly StrategyAssessment[];
  /** One plain sentence for the user. */
  readonly sentence: string;
}

/** Sizes where `strategy`'s mean error exceeds random's by more than the larger of the two seed standard deviations. */
export function worseThanRandomAt(points: readonly CurveSample[], strategy: string): number[] {
  const curves = aggregateCurves(points);
  const r = curves.find((c) => c.strategy === 'random');
  const s = curves.find((c) => c.strategy === strategy);
  if (!r || !s) return [];
  const out: number[] = [];
  for (const p of s.points) {
    const q = r.points.find((x) => x.size === p.size);
    if (q && p.mean - q.mean > Math.max(p.sd, q.sd)) out.push(p.size);
  }
  return out;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * The verdict of a comparison (see the module comment for the rules).
 * @param points learning-curve points of every strategy and seed (CurvePoint fits)
 * @param needed labels-needed entries; only those with reference 'random' are read
 */
export function strategyVerdict(points: readonly CurveSample[], needed: readonly NeededSample[], opts: VerdictOptions = {}): StrategyVerdict {
  const minSaved = opts.minSaved ?? 0.1;
  const redundantSaved = opts.redundantSaved ?? 0.25;
  const vsRandom = needed.filter((n) => n.reference === 'random' && n.strategy !== 'random');
  if (!points.some((p) => p.strategy === 'random') || vsRandom.length === 0) {
    return {
      data: null,
      best: null,
      assessments: [],
      sentence: 'No verdict: add random to the strategies (e.g. --strategies fps,random,guarded-fps) so there is a baseline to save labels against.',
    };
  }
  const assessments: StrategyAssessment[] = vsRandom.map((n) => {
    const seedsSaving = n.seedSizes.filter((s) => s.size !== null && s.size < n.referenceSize).length;
    const seeds = n.seedSizes.length;
    const saved = n.savedShare;
    return {
      strategy: n.strategy,
      saved,
      seedsSaving,
      seeds,
      worseAt: worseThanRandomAt(points, n.strategy),
      savesLabels: saved !== null && saved >= minSaved && seedsSaving * 2 > seeds,
    };
  });
  let best: StrategyAssessment | null = null;
  for (const a of assessments) if (a.savesLabels && (best === null || a.saved! > best.saved!)) best = a;
  const refSize = vsRandom[0]!.referenceSize;
  if (best === null) {
    const safe = assessments.filter((a) => a.worseAt.length === 0).map((a) => a.strategy);
    return {
      data: 'balanced',
      best: null,
      assessments,
      sentence:
        `No strategy saves labels here: none reaches random order's error at ${refSize} labels with at least ${pct(minSaved)} fewer labels on most seeds, ` +
        `so for this model the data looks balanced (random order does not waste labels on near-duplicates or dense regions); ` +
        (safe.length > 0 ? `${safe.join(', ')} ${safe.length === 1 ? 'is' : 'are'} no worse than random at any size, so either order will do.` : 'keep random order.'),
    };
  }
  const data = best.saved! >= redundantSaved ? 'redundant' : 'somewhat-redundant';
  const caveat = best.worseAt.length > 0 ? ` (but it is worse than random beyond the seeds' spread at ${best.worseAt.join(', ')} labels)` : '';
  return {
    data,
    best: best.strategy,
    assessments,
    sentence:
      `${best.strategy} saves labels on this data: it reaches random order's error at ${refSize} labels with ${pct(best.saved!)} fewer labels ` +
      `(${seedPhrase(points, best)})${caveat}, so the data looks ${data === 'redundant' ? 'redundant' : 'somewhat redundant'} ` +
      `(random order spends labels on near-duplicates or dense regions).`,
  };
}

/**
 * "k of n seeds", or, when every seed gave the strategy the same curve (its
 * order and the model do not depend on the seed), a phrase that says so
 * instead of counting one measurement n times.
 */
function seedPhrase(points: readonly CurveSample[], a: StrategyAssessment): string {
  const bySize = new Map<number, Set<number>>();
  for (const p of points) if (p.strategy === a.strategy) (bySize.get(p.size) ?? bySize.set(p.size, new Set()).get(p.size)!).add(Math.round(p.maeDeg * 1e6));
  const seedIndependent = a.seeds > 1 && [...bySize.values()].every((v) => v.size === 1);
  return seedIndependent ? `one order: it gives the same curve for every seed, so only random's seeds vary` : `${a.seedsSaving} of ${a.seeds} seeds`;
}
