/** Messages between the service and the angle-predictor worker. */
import type { SerializedError } from '../../shared/errors.js';
import type { AnglePrediction, BackendChoice, ImageId } from '../../shared/types.js';

export interface PredictWorkerInput {
  readonly projectPath: string;
  readonly backend: BackendChoice;
}
export interface PredictRequest {
  readonly id: number;
  readonly imageIds: readonly ImageId[];
}
export type PredictResponse =
  | { readonly id: number; readonly ok: true; readonly predictions: readonly AnglePrediction[] }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };
