/**
 * The mini-batch training loop shared by the autoencoder and the orientation
 * model: seeded shuffles (so a seed fixes the batch order, unlike
 * LayersModel.fit, which shuffles with Math.random), Adam (Kingma & Ba 2015),
 * per-epoch mean loss, progress callbacks and cancellation between batches.
 * Yields to the event loop after every batch so an AbortSignal fired by a
 * message (worker thread) or a timer is seen at the next batch.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';
import { mulberry32 } from '../../shared/random.js';

/** What every training reports and obeys: progress per epoch and per batch, and cancellation (tfjs-examples' fit callbacks as events). */
export interface TrainingProgress {
  /** Called after each epoch with its 1-based number and its mean batch loss (weighted by batch size). */
  readonly onEpoch?: (epoch: number, loss: number) => void;
  /** Called after each batch with batches done and batches in all. */
  readonly onBatch?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface TrainLoopOptions extends TrainingProgress {
  readonly model: tf.LayersModel;
  /** Number of training samples. */
  readonly n: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate: number;
  /** Build the tensors of one batch from sample indices (called inside tf.tidy). */
  readonly makeBatch: (indices: Int32Array) => { x: tf.Tensor; y: tf.Tensor };
  /** Loss of a batch (called inside the optimizer's tape). */
  readonly loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  /** What is being trained, for the cancellation message. */
  readonly what: string;
}

export interface TrainLoopResult {
  /** Mean loss per epoch. */
  readonly loss: number[];
  readonly seconds: number;
  /** Samples processed per second of wall time (forward + backward + update). */
  readonly samplesPerSecond: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Seeded permutation of 0..n-1 (Fisher-Yates with mulberry32). */
export function seededPermutation(n: number, rnd: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AppError('cancelled', `${what} was cancelled`);
}

/**
 * Train `model` in place. The optimizer is created and disposed here.
 * @throws AppError('cancelled') when `signal` aborts (checked before every batch).
 * @throws AppError('training-failed') when the loss becomes NaN or infinite.
 */
export async function runTrainingLoop(o: TrainLoopOptions): Promise<TrainLoopResult> {
  const rnd = mulberry32(o.seed ^ 0x5bd1e995);
  const optimizer = tf.train.adam(o.learningRate);
  const vars = o.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batchesPerEpoch = Math.ceil(o.n / o.batchSize);
  const total = batchesPerEpoch * o.epochs;
  const losses: number[] = [];
  const t0 = performance.now();
  let done = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const perm = seededPermutation(o.n, rnd);
      let sum = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        throwIfAborted(o.signal, o.what);
        const idx = perm.subarray(b * o.batchSize, Math.min(o.n, (b + 1) * o.batchSize));
        const cost: tf.Scalar = tf.tidy(() => {
          const { x, y } = o.makeBatch(idx);
          const c = optimizer.minimize(() => o.loss(y, o.model.apply(x, { training: true }) as tf.Tensor), true, vars);
          return c ?? tf.scalar(NaN);
        });
        const value = (await cost.data())[0]!;
        cost.dispose();
        if (!Number.isFinite(value)) {
          throw new AppError('training-failed', `${o.what}: loss became ${value} in epoch ${epoch}; lower the learning rate or check the inputs`);
        }
        sum += value * idx.length;
        done++;
        o.onBatch?.(done, total);
        await yieldToEventLoop();
      }
      const mean = sum / o.n;
      losses.push(mean);
      o.onEpoch?.(epoch, mean);
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { loss: losses, seconds, samplesPerSecond: (o.n * o.epochs) / Math.max(seconds, 1e-9) };
}

/** Copy the images at `indices` (uint8, `per` values each) into a float batch scaled to [0, 1]. */
export function gatherScaled(inputs: Uint8Array, indices: ArrayLike<number>, per: number): Float32Array {
  const out = new Float32Array(indices.length * per);
  for (let k = 0; k < indices.length; k++) {
    const src = indices[k]! * per;
    const dst = k * per;
    for (let i = 0; i < per; i++) out[dst + i] = inputs[src + i]! / 255;
  }
  return out;
}
