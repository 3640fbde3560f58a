/**
 * The angle predictor the labeling view asks for its starting angle: one
 * long-lived worker thread per open project (heavy compute never runs on the
 * main event loop), started on the first request, running the exemplar model
 * (src/main/ml/exemplar-orientation.ts) against the labels committed so far.
 * A worker that fails is replaced at the next request; close() ends it.
 */
import type { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import type { AnglePrediction, BackendChoice, ImageId } from '../../shared/types.js';
import { startWorker } from '../jobs/worker-path.js';
import type { PredictRequest, PredictResponse, PredictWorkerInput } from './predict-protocol.js';

/** Most images one request may ask about. */
export const MAX_PREDICT_IMAGES = 64;

export class AnglePredictor {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(p: readonly AnglePrediction[]): void; reject(e: unknown): void }>();

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
    const w = this.ensureWorker();
    const id = this.nextId++;
    w.ref(); // keep the process alive while an answer is due
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, imageIds: [...imageIds] } satisfies PredictRequest);
    });
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    this.failAll(new AppError('cancelled', 'the project was closed'));
    void w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const input: PredictWorkerInput = { projectPath: this.projectPath, backend: this.backend };
    const w = startWorker(import.meta.url, './predict-worker', { workerData: input, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    w.on('message', (m: PredictResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref(); // idle: never hold the process open
      if (m.ok) p.resolve(m.predictions);
      else p.reject(new AppError(m.error.code, m.error.message));
    });
    const lost = (why: string): void => {
      if (this.worker === w) this.worker = null;
      this.failAll(new AppError('internal', `the angle predictor stopped (${why}); the next request starts a new one`));
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = w;
    return w;
  }

  private failAll(e: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
