/**
 * The angle predictor the labeling view asks for its starting angle: one
 * long-lived worker thread per open project (heavy compute never runs on the
 * main event loop), started on the first request, running the exemplar model
 * (src/main/ml/exemplar-orientation.ts) against the labels committed so far.
 * A worker that fails is replaced at the next request; close() ends it.
 */
import { AppError } from '../../shared/errors.js';
import type { AnglePrediction, BackendChoice, ImageId } from '../../shared/types.js';
import { WorkerClient } from '../workers/worker-client.js';
import type { PredictRequest, PredictWorkerInput } from './predict-protocol.js';

/** Most images one request may ask about. */
export const MAX_PREDICT_IMAGES = 64;

export class AnglePredictor {
  private worker: WorkerClient<PredictRequest, readonly AnglePrediction[]> | null = null;

  constructor(
    private readonly projectPath: string,
    private readonly backend: BackendChoice = 'auto',
  ) {}

  /**
   * Exemplar-model angles (degrees clockwise from up) for images, from every
   * angle label committed so far; angle null when there is no label yet or the
   * image is not ready.
   * @throws AppError('invalid-argument') for more than MAX_PREDICT_IMAGES ids.
   */
  predict(imageIds: readonly ImageId[]): Promise<readonly AnglePrediction[]> {
    if (imageIds.length > MAX_PREDICT_IMAGES) {
      return Promise.reject(new AppError('invalid-argument', `imageIds: at most ${MAX_PREDICT_IMAGES} images per request, got ${imageIds.length}`));
    }
    if (imageIds.length === 0) return Promise.resolve([]);
    return this.ensureWorker().request({ imageIds: [...imageIds] });
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    void w?.terminate(new AppError('cancelled', 'the project was closed'));
  }

  /** The running worker; one that failed is replaced here, at the next request. */
  private ensureWorker(): WorkerClient<PredictRequest, readonly AnglePrediction[]> {
    if (this.worker && !this.worker.closed) return this.worker;
    const data: PredictWorkerInput = { projectPath: this.projectPath, backend: this.backend };
    this.worker = new WorkerClient(import.meta.url, './predict-worker', {
      data,
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
      unrefWhenIdle: true,
      lost: (loss) =>
        new AppError(
          'internal',
          `the angle predictor stopped (${loss.kind === 'error' ? loss.error.message : `exit code ${loss.code}`}); the next request starts a new one`,
        ),
    });
    return this.worker;
  }
}
