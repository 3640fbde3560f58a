/**
 * Learning-curve points and what `compare` reports from them (the verdict
 * and the labels a strategy saves). Re-exported by types.ts.
 */
import type { OrientationModelKind } from './project-settings.js';

export interface CurvePoint {
  /** Labeled-set size the model was trained on. */
  readonly size: number;
  readonly strategy: string;
  readonly seed: number;
  readonly maeDeg: number;
  readonly medianDeg: number;
  /** Share of test images within 10 degrees, in [0, 1]. */
  readonly within10: number;
  readonly testSize: number;
  readonly source: 'live' | 'compare';
  readonly createdAt: string;
  /** The orientation model measured (points from before schema 3 were the regressor's). */
  readonly model: OrientationModelKind;
  /**
   * 95 % interval of the point's mean error over seeds (degrees): a bootstrap
   * over test images, and over seeds where the orders differ
   * (src/main/report/curve-bootstrap.ts). Every seed's row of a compare point
   * carries its (strategy, size)'s interval. Absent on points from before it.
   */
  readonly ciLow?: number;
  readonly ciHigh?: number;
  /** Chance level of the test split the point was measured on (src/main/report/chance-level.ts). */
  readonly chanceDeg?: number;
  readonly extra?: CurvePointExtra;
}

/** Further per-point figures (the curve_points.extra JSON column). */
export interface CurvePointExtra {
  /** Distinct groups (truth file's source, group or class column) among this seed's first `size` labels. */
  readonly groups?: number;
  /** Every seed of this strategy gave the same order and the same curve: one measurement, not a seed spread. */
  readonly oneOrder?: boolean;
  /** The compare verdict code of this point's strategy. */
  readonly verdict?: VerdictCode;
}

/** One verdict code per strategy in a comparison (src/main/report/strategy-verdict.ts). */
export type VerdictCode = 'saves' | 'worse' | 'no-difference' | 'not-learned' | 'too-few-test';

/** verdict.json of `compare` (and `compare --json`): what the data shows, with 95 % intervals. */
export interface CompareVerdictReport {
  readonly schema: 1;
  readonly createdAt: string;
  readonly model: OrientationModelKind;
  /** Test images with a ground-truth angle. */
  readonly testSize: number;
  /** Fewest test images for any verdict. */
  readonly minReliableTest: number;
  /** Bootstrap resamples behind every interval (95 %, percentile). */
  readonly resamples: number;
  readonly chance: {
    /** The smaller of the two below: what a model that learned nothing scores. */
    readonly chanceDeg: number;
    /** period / 4: 90 for full-circle labels, 45 for axial ones. */
    readonly uninformedDeg: number;
    readonly circularMeanDeg: number | null;
    /** Error of always answering the test split's circular mean. */
    readonly circularMeanErrorDeg: number | null;
    readonly period: number;
  };
  readonly reference: string;
  readonly strategies: readonly {
    readonly strategy: string;
    readonly code: VerdictCode;
    readonly seeds: readonly number[];
    /** Distinct orders among the seeds (1 for a deterministic order such as guarded-fps). */
    readonly orders: number;
    /** All seeds gave one identical curve: its interval is over test images only. */
    readonly oneOrder: boolean;
    /** Some point is below chance beyond its interval. */
    readonly learned: boolean;
    readonly points: readonly {
      readonly size: number;
      readonly meanDeg: number;
      readonly medianDeg: number;
      readonly within10: number;
      readonly ciLow: number;
      readonly ciHigh: number;
      /** Paired difference to the reference at this size (strategy minus reference, degrees), with its interval. */
      readonly vsReference: { readonly diffDeg: number; readonly ciLow: number; readonly ciHigh: number } | null;
      /** Distinct groups among the first `size` labels: mean over seeds with its interval, and per seed. */
      readonly groups?: { readonly mean: number; readonly ciLow: number; readonly ciHigh: number; readonly perSeed: readonly number[] };
    }[];
    /**
     * Labels needed to reach the reference's error at its largest size, with its interval (null ends: not reached).
     * Null when there is nothing to reach: this curve or the reference's has not learned (a "saving" against a
     * reference at chance would be a figure the data does not carry), or the test split is too small.
     */
    readonly labelsToReach: {
      readonly targetMaeDeg: number;
      readonly referenceSize: number;
      /** Labels the reference itself needs for that error (its curve may get there before its largest size). */
      readonly referenceNeeded?: number;
      readonly size: number | null;
      readonly ciLow: number | null;
      readonly ciHigh: number | null;
      readonly savedShare: number | null;
      readonly savedLow: number | null;
      readonly savedHigh: number | null;
    } | null;
    readonly betterAt: readonly number[];
    readonly worseAt: readonly number[];
  }[];
  /** Coverage of the variety, when the truth file has a source, group or class column. */
  readonly groups: {
    readonly column: string;
    /** Distinct groups in the labeled pool (test split excluded). */
    readonly inPool: number;
    /** Share of pool images whose nearest neighbour in the embedding is of the same group. */
    readonly nearestNeighbourSameGroup: number | null;
    /** The highest rate any embedding could reach: the share of pool images whose group has another image in the pool. */
    readonly nearestNeighbourCeiling?: number | null;
    /** min(size, inPool) per size. */
    readonly oracle: readonly { readonly size: number; readonly groups: number }[];
  } | null;
  /** The sentence `compare` prints. */
  readonly sentence: string;
}

export interface CompareResult {
  readonly points: readonly CurvePoint[];
  /** Per strategy: smallest size whose mean error reaches the other's error at its largest size. */
  readonly labelsNeeded: readonly {
    readonly strategy: string;
    readonly reference: string;
    readonly targetMaeDeg: number;
    readonly size: number | null;
    /** The reference's largest size. */
    readonly referenceSize: number;
    /** 1 - size / referenceSize: the share of labels saved (null when never reached). */
    readonly savedShare: number | null;
    /** The same figure per seed of the strategy: its spread. */
    readonly seedSizes: readonly { readonly seed: number; readonly size: number | null }[];
  }[];
  readonly csvPath: string | null;
  readonly svgPath: string | null;
  /** One plain sentence: which strategy saves labels on this data, and whether it looks redundant or balanced (report/strategy-verdict.ts). */
  readonly verdict?: string;
  /** What the run left out and why (e.g. sizes larger than the labeled pool). */
  readonly notes?: readonly string[];
  /** verdict.json's content and where it was written (null without an output folder). */
  readonly report?: CompareVerdictReport;
  readonly verdictPath?: string | null;
}
