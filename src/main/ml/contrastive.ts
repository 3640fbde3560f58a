/**
 * Contrastive self-supervised embedder (SimCLR: Chen et al., "A Simple
 * Framework for Contrastive Learning of Visual Representations", ICML 2020).
 *
 * Two augmented views of every image in a batch (contrastive-augment.ts: any-angle
 * rotation, shift, scale, brightness/contrast, blur, noise; inscribed disc only)
 * go through encoder + projection head; the NT-Xent loss (temperature 0.2) pulls
 * each pair together and pushes it from the other 2B - 2 views. The embedding is
 * the encoder's output (before the head), L2-normalised: distances then measure
 * what an image shows, with the augmented changes (its turn, a small shift, the
 * lighting) nearly gone.
 *
 * Architecture for an S x S x C input, f = `filters` (default 16):
 *   encoder: 4 x [conv3x3/2 (f, 2f, 4f, 8f), no bias -> batch norm -> relu]
 *            -> global average pooling = the 8f-d embedding (128-d by default)
 *   head:    dense(8f) -> batch norm -> relu -> dense(projectionDim)
 * The inputs are masked to the inscribed disc (canonicalizeDisc) in training
 * and at inference: a caller that runs the stored encoder itself must do the same.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';
import type { ComputeBackend } from '../../shared/types.js';
import { backendSelection } from './backend.js';
import { batched, checkImages, predictWhole } from './autoencoder.js';
import { augmentBatch, canonicalizeDisc, viewRandom, DEFAULT_AUGMENT, type ContrastiveAugmentOptions } from './contrastive-augment.js';
import { rotateBatchClockwise } from './rotation-augment.js';
import { gatherScaled, runTrainingLoop, type TrainingProgress } from './train-loop.js';
import { defaultContrastiveBatch } from './contrastive-defaults.js';
import { registerBroadcastBatchNormGradient } from './contrastive-batchnorm-grad.js';

export { DEFAULT_CONTRASTIVE_BATCH, defaultContrastiveBatch, defaultContrastiveEpochs } from './contrastive-defaults.js';

export interface ContrastiveConfig {
  /** Side of the square model input in px (>= 16; 'same' padding and global pooling take any size). */
  readonly inputSize: number;
  /** 1 (gray) or 3 (rgb). */
  readonly channels: number;
  readonly seed: number;
  /** Filters of the first conv layer (doubled per layer; the embedding has 8 x filters dimensions). Default 16. */
  readonly filters?: number;
  /** Output size of the projection head (default 64). */
  readonly projectionDim?: number;
}

export const DEFAULT_CONTRASTIVE_FILTERS = 16;
export const DEFAULT_PROJECTION_DIM = 64;
/** NT-Xent temperature: 0.2 worked on this data in the reference run (SimCLR's 0.1-0.5 range). */
export const DEFAULT_TEMPERATURE = 0.2;

export interface ContrastiveNet {
  /** Image [N, S, S, C] (disc-masked, [0, 1]) -> embedding [N, 8f] (not normalised). */
  readonly encoder: tf.LayersModel;
  /** encoder + projection head, sharing the encoder's layers (training only). Free both with disposeContrastiveNet. */
  readonly projector: tf.LayersModel;
  readonly config: Required<ContrastiveConfig>;
}

function checkConfig(c: ContrastiveConfig): Required<ContrastiveConfig> {
  const filters = c.filters ?? DEFAULT_CONTRASTIVE_FILTERS;
  const projectionDim = c.projectionDim ?? DEFAULT_PROJECTION_DIM;
  if (!Number.isInteger(c.inputSize) || c.inputSize < 16) {
    throw new AppError('invalid-argument', `inputSize must be a whole number of at least 16 px (e.g. 32 or 64), got ${c.inputSize}`);
  }
  if (c.channels !== 1 && c.channels !== 3) throw new AppError('invalid-argument', `channels must be 1 (gray) or 3 (rgb), got ${c.channels}`);
  if (!Number.isInteger(filters) || filters < 1) throw new AppError('invalid-argument', `filters must be a positive integer, got ${filters}`);
  if (!Number.isInteger(projectionDim) || projectionDim < 1)
    throw new AppError('invalid-argument', `projectionDim must be a positive integer, got ${projectionDim}`);
  return { inputSize: c.inputSize, channels: c.channels, seed: c.seed | 0, filters, projectionDim };
}

/** Build an untrained encoder + head; equal configs give equal weights (seeded Glorot kernels). */
export function createContrastiveNet(config: ContrastiveConfig): ContrastiveNet {
  const c = checkConfig(config);
  const { inputSize: s, channels, filters: f } = c;
  let layerSeed = (c.seed * 7919 + 17) >>> 0;
  const init = () => tf.initializers.glorotUniform({ seed: (layerSeed = (layerSeed + 104729) >>> 0) });
  const xIn = tf.input({ shape: [s, s, channels], name: 'image' });
  let h: tf.SymbolicTensor = xIn;
  [f, 2 * f, 4 * f, 8 * f].forEach((filters, i) => {
    h = tf.layers
      .conv2d({ name: `c_conv${i + 1}`, filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() })
      .apply(h) as tf.SymbolicTensor;
    // momentum 0.9: the moving statistics settle within the few hundred steps a small pool gets.
    h = tf.layers.batchNormalization({ name: `c_bn${i + 1}`, momentum: 0.9 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.reLU({ name: `c_relu${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  const emb = tf.layers.globalAveragePooling2d({ name: 'c_gap' }).apply(h) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: xIn, outputs: emb, name: 'contrastive_encoder' });
  let g = tf.layers.dense({ name: 'p_dense1', units: 8 * f, useBias: false, kernelInitializer: init() }).apply(emb) as tf.SymbolicTensor;
  g = tf.layers.batchNormalization({ name: 'p_bn1', momentum: 0.9 }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.reLU({ name: 'p_relu1' }).apply(g) as tf.SymbolicTensor;
  g = tf.layers.dense({ name: 'p_dense2', units: c.projectionDim, kernelInitializer: init() }).apply(g) as tf.SymbolicTensor;
  const projector = tf.model({ inputs: xIn, outputs: g, name: 'contrastive_projector' });
  return { encoder, projector, config: c };
}

/**
 * NT-Xent (normalized temperature-scaled cross entropy) of 2B projections whose
 * rows i and i + B are the two views of one image: mean over the 2B rows of
 * -log( exp(sim(i, pair(i))/t) / sum_{k != i} exp(sim(i, k)/t) ), sim = cosine.
 */
export function ntXentLoss(z: tf.Tensor2D, temperature = DEFAULT_TEMPERATURE): tf.Scalar {
  return tf.tidy(() => {
    const [n2] = z.shape;
    const b = n2 / 2;
    const zn = tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12)));
    const sim = tf.div(tf.matMul(zn, zn, false, true), temperature);
    const logits = tf.sub(sim, tf.mul(tf.eye(n2), 1e9));
    const lse = tf.logSumExp(logits, 1);
    const paired = tf.concat([zn.slice([b, 0], [b, -1]), zn.slice([0, 0], [b, -1])], 0);
    const pos = tf.div(tf.sum(tf.mul(zn, paired), 1), temperature);
    return tf.mean(tf.sub(lse, pos)) as tf.Scalar;
  });
}

export interface TrainContrastiveOptions extends ContrastiveConfig, TrainingProgress {
  readonly n: number;
  readonly epochs: number;
  /** Images per batch (each gives two views); capped at n. Default defaultContrastiveBatch(inputSize): 256 up to 32 px, 128 up to 64 px, else 64. */
  readonly batchSize?: number;
  /** Adam learning rate; default 1e-3. */
  readonly learningRate?: number;
  readonly temperature?: number;
  readonly augment?: ContrastiveAugmentOptions;
}

export interface TrainedContrastive {
  /** The caller owns it: dispose when done. */
  readonly encoder: tf.LayersModel;
  readonly config: Required<ContrastiveConfig>;
  readonly loss: number[];
  readonly finalLoss: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  readonly batchSize: number;
  readonly backend: ComputeBackend | null;
}

/**
 * Train the contrastive embedder on model inputs (no labels).
 * @param inputs uint8 N x S x S x C (HWC).
 * @throws AppError('invalid-argument') for bad shapes or options; 'cancelled' when signal aborts
 *   (seen before the next batch; weights freed); 'training-failed' when the loss diverges.
 */
export async function trainContrastive(inputs: Uint8Array, opts: TrainContrastiveOptions): Promise<TrainedContrastive> {
  checkImages(inputs, opts.n, opts.inputSize, opts.channels);
  if (opts.n < 2) throw new AppError('invalid-argument', `contrastive training needs at least 2 images, got ${opts.n}`);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new AppError('invalid-argument', `epochs must be a positive integer, got ${opts.epochs}`);
  const batchSize = Math.min(opts.n, opts.batchSize ?? defaultContrastiveBatch(opts.inputSize));
  if (!Number.isInteger(batchSize) || batchSize < 2) throw new AppError('invalid-argument', `batchSize must be an integer >= 2, got ${opts.batchSize}`);
  registerBroadcastBatchNormGradient();
  const net = createContrastiveNet(opts);
  const { inputSize: s, channels } = net.config;
  const per = s * s * channels;
  const temperature = opts.temperature ?? DEFAULT_TEMPERATURE;
  const rnd = viewRandom(net.config.seed);
  const augment = opts.augment ?? DEFAULT_AUGMENT;
  // A last batch of one image has no negatives; drop the remainder from each epoch instead (its images come in other epochs).
  const n = opts.n - (opts.n % batchSize === 1 ? 1 : 0);
  try {
    const r = await runTrainingLoop({
      model: net.projector,
      n,
      epochs: opts.epochs,
      batchSize,
      seed: net.config.seed,
      learningRate: opts.learningRate ?? 1e-3,
      makeBatch: (idx) => {
        const x = tf.tensor4d(gatherScaled(inputs, idx, per), [idx.length, s, s, channels]);
        const views = tf.concat([augmentBatch(x, rnd, augment), augmentBatch(x, rnd, augment)], 0);
        return { x: views, y: views };
      },
      loss: (_y, p) => ntXentLoss(p as tf.Tensor2D, temperature),
      onEpoch: opts.onEpoch,
      onBatch: opts.onBatch,
      signal: opts.signal,
      what: 'contrastive training',
    });
    // Frees the head only (its own layers); the encoder's layers stay with the encoder.
    disposeHead(net);
    return {
      encoder: net.encoder,
      config: net.config,
      loss: r.loss,
      finalLoss: r.loss[r.loss.length - 1]!,
      seconds: r.seconds,
      imagesPerSecond: r.samplesPerSecond,
      batchSize,
      backend: backendSelection()?.backend ?? null,
    };
  } catch (e) {
    disposeContrastiveNet(net);
    throw e;
  }
}

/** Free every weight of an untrained net (head and encoder; the two models share the encoder's layers). */
export function disposeContrastiveNet(net: ContrastiveNet): void {
  disposeHead(net);
  net.encoder.dispose();
}

/** The head's layers belong to the projector only; the encoder's layers (shared) stay. */
function disposeHead(net: ContrastiveNet): void {
  for (const name of ['p_dense1', 'p_bn1', 'p_dense2']) {
    for (const w of net.projector.getLayer(name).weights) w.dispose();
  }
}

/**
 * Contrastive embeddings: encoder outputs of the disc-masked images, L2-normalised
 * (so Euclidean distance orders neighbours as cosine similarity does).
 * turns > 1 averages the outputs over the image turned by 0, 360/turns, ... degrees
 * before normalising; the embedder is trained to be rotation-invariant, so 1 is enough
 * (measured in the README).
 * @returns Float32Array n x dim, row-major.
 */
export function encodeContrastive(encoder: tf.LayersModel, inputs: Uint8Array, n: number, batchSize = 256, turns = 1): Float32Array {
  const shp = encoder.inputs[0]!.shape;
  const s = shp[1]!;
  const ch = shp[3]!;
  checkImages(inputs, n, s, ch);
  if (!Number.isInteger(turns) || turns < 1 || turns > 36) throw new AppError('invalid-argument', `turns must be a whole number in 1..36, got ${turns}`);
  const d = encoder.outputs[0]!.shape[1]!;
  return batched(inputs, n, [s, s, ch], batchSize, d, (x) => {
    const m = x.shape[0];
    let sum = predictWhole(encoder, canonicalizeDisc(x));
    // one turned batch at a time: each turn's activations are freed before the next
    for (let k = 1; k < turns; k++) {
      const acc = sum;
      sum = tf.tidy(() => acc.add(predictWhole(encoder, canonicalizeDisc(rotateBatchClockwise(x, new Float32Array(m).fill((360 * k) / turns))))));
      acc.dispose();
    }
    return tf.div(sum, tf.sqrt(tf.add(tf.sum(tf.square(sum), 1, true), 1e-12)));
  });
}
