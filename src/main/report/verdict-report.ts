/**
 * verdict.json of `compare` (CompareVerdictReport in src/shared/types.ts):
 * the chance level, per strategy and size the mean, median, within-10 share
 * and 95 % interval, the paired difference to random, the labels needed to
 * reach random's error with its interval, one verdict code per strategy, the
 * coverage of the variety when groups are known, and the printed sentence.
 */
import type { CompareVerdictReport, OrientationModelKind } from '../../shared/types.js';
import type { ChanceLevel } from './chance-level.js';
import type { CurveBootstrap } from './curve-bootstrap.js';
import { valuesMeanInterval } from './curve-bootstrap.js';
import type { StrategyVerdict } from './strategy-verdict.js';

export interface CoverageInput {
  readonly column: string;
  readonly inPool: number;
  readonly nearestNeighbourSameGroup: number | null;
  readonly nearestNeighbourCeiling?: number | null;
  /** Distinct groups among the first `size` labels of each (strategy, seed). */
  readonly perSeed: readonly { readonly strategy: string; readonly seed: number; readonly size: number; readonly groups: number }[];
}

export function buildVerdictReport(input: {
  readonly boot: CurveBootstrap;
  readonly verdict: StrategyVerdict;
  readonly chance: ChanceLevel;
  readonly period: number;
  readonly model: OrientationModelKind;
  readonly minTest: number;
  readonly coverage: CoverageInput | null;
  /** PRNG seed of the coverage intervals. */
  readonly seed?: number;
}): CompareVerdictReport {
  const { boot, verdict, chance, coverage } = input;
  const groupsAt = (strategy: string, size: number): CompareVerdictReport['strategies'][number]['points'][number]['groups'] | undefined => {
    if (!coverage) return undefined;
    const perSeed = coverage.perSeed
      .filter((c) => c.strategy === strategy && c.size === size)
      .sort((a, b) => a.seed - b.seed)
      .map((c) => c.groups);
    if (perSeed.length === 0) return undefined;
    return { ...valuesMeanInterval(perSeed, { seed: input.seed ?? 1 }), perSeed };
  };
  const sizes = [...new Set(boot.strategies.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  return {
    schema: 1,
    createdAt: new Date().toISOString(),
    model: input.model,
    testSize: boot.testSize,
    minReliableTest: input.minTest,
    resamples: boot.resamples,
    chance: { ...chance, period: input.period },
    reference: verdict.reference,
    strategies: boot.strategies.map((s) => {
      const call = verdict.strategies.find((c) => c.strategy === s.strategy)!;
      const diffs = boot.differences.get(s.strategy) ?? [];
      // Labels saved only where both curves learned: reaching a reference that sits at chance says nothing.
      const refCall = verdict.strategies.find((c) => c.strategy === verdict.reference);
      const comparable = call.code !== 'not-learned' && call.code !== 'too-few-test' && (refCall?.learned ?? false);
      const l = comparable ? (boot.labelsToReach.find((x) => x.strategy === s.strategy) ?? null) : null;
      return {
        strategy: s.strategy,
        code: call.code,
        seeds: s.seeds,
        orders: s.orders,
        oneOrder: s.identicalCurves && s.seeds.length > 1,
        learned: call.learned,
        points: s.points.map((p) => {
          const d = diffs.find((x) => x.size === p.size);
          const groups = groupsAt(s.strategy, p.size);
          return {
            size: p.size,
            meanDeg: p.mean,
            medianDeg: p.median,
            within10: p.within10,
            ciLow: p.ciLow,
            ciHigh: p.ciHigh,
            vsReference: d ? { diffDeg: d.diff, ciLow: d.ciLow, ciHigh: d.ciHigh } : null,
            ...(groups ? { groups } : {}),
          };
        }),
        labelsToReach: l
          ? {
              targetMaeDeg: l.targetMaeDeg,
              referenceSize: l.referenceSize,
              referenceNeeded: l.referenceNeeded,
              size: l.size,
              ciLow: l.ciLow,
              ciHigh: l.ciHigh,
              savedShare: l.savedShare,
              savedLow: l.savedLow,
              savedHigh: l.savedHigh,
            }
          : null,
        betterAt: call.betterAt,
        worseAt: call.worseAt,
      };
    }),
    groups: coverage
      ? {
          column: coverage.column,
          inPool: coverage.inPool,
          nearestNeighbourSameGroup: coverage.nearestNeighbourSameGroup,
          nearestNeighbourCeiling: coverage.nearestNeighbourCeiling ?? null,
          oracle: sizes.map((size) => ({ size, groups: Math.min(size, coverage.inPool) })),
        }
      : null,
    sentence: verdict.sentence,
  };
}
