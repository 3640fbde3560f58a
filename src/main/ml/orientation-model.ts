/**
 * Orientation model: an angle regressor with a (sin, cos) output, initialised
 * from the autoencoder's encoder (docs/architecture.md, pipeline stage 5).
 *
 * Network: a copy of the encoder's conv layers with their trained weights
 * (fine-tuned; see OrientationTrunk) -> dense(64, relu) -> dense(2, linear) = (sin, cos) of k * angle, where
 * k = 360 / period (k = 2 for axial projects: Bishop's doubled-angle trick,
 * see angleToSinCos in src/shared/angle.ts). Loss: mean squared error to the
 * unit (sin, cos) target; prediction: atan2 back to degrees (sinCosToAngle).
 *
 * Turning an image clockwise by phi turns its angle (clockwise from up) by
 * +phi. Training therefore shows each labeled image at one of its four exact
 * 90-degree rotations (augment 'rot90', the default) or at a seeded random
 * any-angle rotation ('rotate'; see rotation-augment.ts), with the angle
 * shifted to match. On rotated Fashion-MNIST the two measured alike (400
 * labels: 43.2 vs 41.0 deg on the redundant pool, 27.4 vs 27.7 on the demo). Prediction averages the four 90-degree rotations' (sin, cos)
 * after undoing each shift (test-time augmentation). Both can be turned off.
 */
import * as tf from '@tensorflow/tfjs';
import { angleToSinCos, periodOf, sinCosToAngle, wrapDegrees, wrapDegreesFloat32 } from '../../shared/angle.js';
import { AppError } from '../../shared/errors.js';
import { mulberry32 } from '../../shared/random.js';
import { checkImages, predictWhole } from './autoencoder.js';
import { deserializeModel, serializeModel, type SerializedModel } from './model-io.js';
import { runTrainingLoop, type TrainingProgress } from './train-loop.js';
import { rotateBatchClockwise, type OrientationAugment } from './rotation-augment.js';

/**
 * Which encoder layers the regressor reuses: 'features' = every layer up to the
 * flattened conv features (all but the latent dense layer; the default: it
 * measured 20-40 % lower error than the 32-d latent on rotated MNIST digits),
 * 'latent' = the whole encoder including the latent layer.
 */
export type OrientationTrunk = 'features' | 'latent';

/** A trained orientation model and the angle convention it predicts in. */
export interface OrientationModel {
  readonly model: tf.LayersModel;
  readonly axial: boolean;
}

export interface TrainOrientationOptions extends TrainingProgress {
  /** The autoencoder's encoder (copied, never changed) or its serialized form. */
  readonly encoder: tf.LayersModel | SerializedModel;
  /** uint8 N x S x S x C model inputs (S x S x C = the encoder's input). */
  readonly inputs: Uint8Array;
  readonly n: number;
  /** Labels, degrees clockwise from up (wrapped into [0, period) here). */
  readonly anglesDeg: Float32Array;
  readonly axial: boolean;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Adam learning rate; default 1e-3. */
  readonly learningRate?: number;
  /** Encoder layers reused (default 'features'). */
  readonly trunk?: OrientationTrunk;
  /** Label-shifting rotation augmentation (default 'rot90', exact; 'rotate' = any angle, see rotation-augment.ts). */
  readonly augment?: OrientationAugment;
}

export interface TrainedOrientation {
  readonly model: OrientationModel;
  /** Mean training MSE of (sin, cos) per epoch. */
  readonly loss: number[];
  readonly seconds: number;
}

/**
 * Rotate square HWC images by 90 degrees clockwise, `quarter` times (0..3),
 * into `out` (same layout). out(r, c) = in(S-1-c, r) for one quarter turn.
 */
export function rotate90Into(
  src: Uint8Array | Float32Array,
  srcOffset: number,
  s: number,
  ch: number,
  quarter: number,
  out: Float32Array,
  outOffset: number,
  scale: number,
): void {
  const q = ((quarter % 4) + 4) % 4;
  for (let r = 0; r < s; r++) {
    for (let c = 0; c < s; c++) {
      let sr: number;
      let sc: number;
      if (q === 0) {
        sr = r;
        sc = c;
      } else if (q === 1) {
        sr = s - 1 - c;
        sc = r;
      } else if (q === 2) {
        sr = s - 1 - r;
        sc = s - 1 - c;
      } else {
        sr = c;
        sc = s - 1 - r;
      }
      const o = outOffset + (r * s + c) * ch;
      const i = srcOffset + (sr * s + sc) * ch;
      for (let k = 0; k < ch; k++) out[o + k] = src[i + k]! * scale;
    }
  }
}

async function copyEncoder(encoder: tf.LayersModel | SerializedModel): Promise<tf.LayersModel> {
  if ('weights' in encoder && 'topology' in encoder) return deserializeModel(encoder);
  return deserializeModel(await serializeModel(encoder));
}

/**
 * Build the regressor on a private copy of the encoder.
 * @returns the untrained model ([N,S,S,C] in [0,1] -> [N,2]).
 */
export async function createOrientationModel(
  encoder: tf.LayersModel | SerializedModel,
  seed: number,
  trunk: OrientationTrunk = 'features',
): Promise<tf.LayersModel> {
  const enc = await copyEncoder(encoder);
  const shape = enc.inputs[0]!.shape;
  const x = tf.input({ shape: shape.slice(1) as number[], name: 'image' });
  let h: tf.SymbolicTensor = x;
  for (const layer of enc.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    // Stop before the latent bottleneck when it is the last layer ('features' trunk).
    if (trunk === 'features' && layer === enc.layers[enc.layers.length - 1] && layer.getClassName() === 'Dense') continue;
    h = layer.apply(h) as tf.SymbolicTensor;
  }
  const s = (seed * 2654435761) >>> 0;
  h = tf.layers
    .dense({ name: 'ori_hidden', units: 64, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: s }) })
    .apply(h) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({ name: 'ori_sincos', units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: (s + 1) >>> 0 }) })
    .apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: out, name: 'orientation' });
  // The copy's wrapper shares its layers with `model`; disposing it frees nothing
  // now and lets model.dispose() free every weight later.
  enc.dispose();
  return model;
}

/**
 * Epochs for n labeled images: enough image presentations for the fine-tuning
 * to converge, min(30000, max(8000, 60 n)) in all, as 8..150 epochs.
 * Measured on rotated MNIST digits (32 px, wasm): at n = 400, 15 epochs gave
 * 17.6 degrees MAE and 80 epochs 14.8; at n = 50 more than ~150 epochs only
 * costs time.
 */
export function suggestedOrientationEpochs(n: number): number {
  const samples = Math.min(30000, Math.max(8000, 60 * n));
  return Math.max(8, Math.min(150, Math.round(samples / Math.max(1, n))));
}

/**
 * Train an orientation model on labeled images.
 * @throws AppError('invalid-argument') for bad shapes, non-finite angles or options.
 * @throws AppError('cancelled') when opts.signal aborts (seen before the next batch).
 * @throws AppError('training-failed') when the loss diverges.
 */
export async function trainOrientationModel(opts: TrainOrientationOptions): Promise<TrainedOrientation> {
  const { inputs, n, anglesDeg, axial } = opts;
  if (anglesDeg.length !== n) throw new AppError('invalid-argument', `anglesDeg: expected ${n} angles, got ${anglesDeg.length}`);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new AppError('invalid-argument', `epochs must be a positive integer, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
    throw new AppError('invalid-argument', `batchSize must be a positive integer, got ${opts.batchSize}`);
  const period = periodOf(axial);
  const angles = new Float64Array(n);
  for (let i = 0; i < n; i++) angles[i] = wrapDegrees(anglesDeg[i]!, period); // throws invalid-angle on NaN
  const model = await createOrientationModel(opts.encoder, opts.seed, opts.trunk ?? 'features');
  const [, s, , ch] = model.inputs[0]!.shape as [null, number, number, number];
  try {
    checkImages(inputs, n, s, ch);
    const per = s * s * ch;
    const augment = opts.augment ?? 'rot90';
    const rnd = mulberry32((opts.seed ^ 0x2545f491) >>> 0);
    const r = await runTrainingLoop({
      model,
      n,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: opts.seed,
      learningRate: opts.learningRate ?? 1e-3,
      makeBatch: (idx) => {
        const m = idx.length;
        const xb = new Float32Array(m * per);
        const yb = new Float32Array(m * 2);
        const turn = new Float32Array(m); // any-angle turns, degrees clockwise
        for (let k = 0; k < m; k++) {
          const i = idx[k]!;
          const q = augment === 'rot90' ? Math.floor(rnd() * 4) : 0;
          if (augment === 'rotate') turn[k] = rnd() * 360;
          rotate90Into(inputs, i * per, s, ch, q, xb, k * per, 1 / 255);
          const [sin, cos] = angleToSinCos(wrapDegrees(angles[i]! + 90 * q + turn[k]!, period), period);
          yb[2 * k] = sin;
          yb[2 * k + 1] = cos;
        }
        const x = tf.tensor4d(xb, [m, s, s, ch]);
        return { x: augment === 'rotate' ? rotateBatchClockwise(x, turn) : x, y: tf.tensor2d(yb, [m, 2]) };
      },
      loss: (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar,
      onEpoch: opts.onEpoch,
      onBatch: opts.onBatch,
      signal: opts.signal,
      what: 'orientation model training',
    });
    return { model: { model, axial }, loss: r.loss, seconds: r.seconds };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Predict angles, degrees clockwise from up in [0, period).
 *
 * With rot90Average (default true) each image is also predicted in its three
 * other 90-degree rotations; each prediction is turned back by its rotation
 * and the four unit vectors are averaged before atan2.
 *
 * @param inputs uint8 N x S x S x C matching the model input.
 * @throws AppError('invalid-argument') when the images do not match.
 */
export function predictAngles(om: OrientationModel, inputs: Uint8Array, n: number, opts: { batchSize?: number; rot90Average?: boolean } = {}): Float32Array {
  const [, s, , ch] = om.model.inputs[0]!.shape as [null, number, number, number];
  checkImages(inputs, n, s, ch);
  const period = periodOf(om.axial);
  const k = 360 / period; // angle multiplier of the (sin, cos) space
  const quarters = (opts.rot90Average ?? true) ? [0, 1, 2, 3] : [0];
  const batchSize = opts.batchSize ?? 128;
  const per = s * s * ch;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const sum = new Float64Array(2 * m);
    for (const q of quarters) {
      const xb = new Float32Array(m * per);
      for (let j = 0; j < m; j++) rotate90Into(inputs, (start + j) * per, s, ch, q, xb, j * per, 1 / 255);
      const y = tf.tidy(() => predictWhole(om.model, tf.tensor4d(xb, [m, s, s, ch])));
      let pred: Float32Array;
      try {
        pred = y.dataSync() as Float32Array; // read after the tidy, which only frees the input
      } finally {
        y.dispose();
      }
      // Undo the rotation: the prediction is of (angle + 90 q); turn it by -90 q * k in the sin/cos plane.
      const back = (-90 * q * k * Math.PI) / 180;
      const cb = Math.cos(back);
      const sb = Math.sin(back);
      for (let j = 0; j < m; j++) {
        const ps = pred[2 * j]!;
        const pc = pred[2 * j + 1]!;
        const norm = Math.hypot(ps, pc) || 1;
        // (sin, cos) of (t + back) = (sin t cos b + cos t sin b, cos t cos b - sin t sin b)
        sum[2 * j] = sum[2 * j]! + (ps * cb + pc * sb) / norm;
        sum[2 * j + 1] = sum[2 * j + 1]! + (pc * cb - ps * sb) / norm;
      }
    }
    for (let j = 0; j < m; j++) out[start + j] = wrapDegreesFloat32(sinCosToAngle(sum[2 * j]!, sum[2 * j + 1]!, period), period);
  }
  return out;
}
