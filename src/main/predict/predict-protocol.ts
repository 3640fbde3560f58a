/** What the service asks the angle-predictor worker (answers follow ../workers/protocol.ts). */
import type { BackendChoice, ImageId } from '../../shared/types.js';

export interface PredictWorkerInput {
  readonly projectPath: string;
  readonly backend: BackendChoice;
}
export interface PredictRequest {
  readonly imageIds: readonly ImageId[];
}
