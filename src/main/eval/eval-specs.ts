/** What the evaluate and compare jobs are asked to do (part of the job specs in jobs/job-types.ts). */
import type { BackendChoice, OrientationModelKind } from '../../shared/types.js';

export interface EvaluateSpec {
  readonly kind: 'evaluate';
  readonly backend: BackendChoice;
  readonly epochs?: number;
}

export interface CompareSpec {
  readonly kind: 'compare';
  readonly backend: BackendChoice;
  readonly truthFile?: string;
  readonly sizes: readonly number[];
  readonly seeds: number;
  readonly strategies: readonly string[];
  readonly outDir?: string;
  /** Replace existing curve.csv / curve.svg in outDir. */
  readonly overwrite?: boolean;
  readonly orientationModel?: OrientationModelKind;
}
