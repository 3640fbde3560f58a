/**
 * Convolutional autoencoder that gives every image its embedding
 * (docs/architecture.md, pipeline stage 2; Philipsen & Moeslund, arXiv 2003.14043, use an
 * autoencoder's latent space as the space novelty is measured in).
 *
 * Architecture for an S x S x C input (S a multiple of 8), f = `filters`:
 *   encoder: conv3x3/2 (f) relu -> conv3x3/2 (2f) relu -> conv3x3/2 (4f) relu
 *            -> flatten -> dense(latentDim) linear          = the embedding
 *   decoder: dense((S/8)^2 * 4f) relu -> reshape -> convT3x3/2 (2f) relu
 *            -> convT3x3/2 (f) relu -> convT3x3/2 (C) sigmoid  = the reconstruction
 * Strided convolutions instead of pooling keep it cheap on two cores (every
 * layer halves or doubles the resolution; no full-resolution 3x3 layers).
 * Loss: mean squared error of pixel values in [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { rotateBatchClockwise } from './rotation-augment.js';
import { AppError } from '../../shared/errors.js';
import { backendSelection } from './backend.js';
import { gatherScaled, runTrainingLoop, type TrainingProgress } from './train-loop.js';
import { scaledImageTensor } from './wasm-conv-simd.js';
import type { ComputeBackend } from '../../shared/types.js';

export interface AutoencoderConfig {
  /** Side of the square model input in px; a multiple of 8 (>= 8). */
  readonly inputSize: number;
  /** 1 (gray) or 3 (rgb). */
  readonly channels: number;
  /** Length of the embedding. */
  readonly latentDim: number;
  /** Seed of the weight initialisation (and, in training, of the batch order). */
  readonly seed: number;
  /** Filters of the first conv layer (doubled per layer); default DEFAULT_FILTERS (8). */
  readonly filters?: number;
}

export interface Autoencoder {
  /** Image [N, S, S, C] in [0,1] -> embedding [N, latentDim]. */
  readonly encoder: tf.LayersModel;
  /** Embedding [N, latentDim] -> reconstruction [N, S, S, C] in [0,1]. */
  readonly decoder: tf.LayersModel;
  /** decoder(encoder(x)), sharing their layers. Dispose with disposeAutoencoder. */
  readonly autoencoder: tf.LayersModel;
  readonly config: Required<AutoencoderConfig>;
}

/**
 * Default width: 8 filters in the first layer. Measured on Fashion-MNIST, wasm,
 * batch 32, 2048 images x 3 epochs: 32 px 3150 img/s (held-out MSE 0.026) vs
 * 1750 img/s (0.023) with 16; 64 px 1130 img/s (0.019) vs 520 img/s (0.014).
 * Per second of training, 8 reaches the lower loss.
 */
export const DEFAULT_FILTERS = 8;

/** Validate shapes shared by every entry point. @throws AppError('invalid-argument'). */
export function checkImages(inputs: Uint8Array, n: number, inputSize: number, channels: number, field = 'inputs'): void {
  if (!Number.isInteger(n) || n < 1) throw new AppError('invalid-argument', `${field}: need at least one image, got n = ${n}`);
  if (channels !== 1 && channels !== 3) throw new AppError('invalid-argument', `${field}: channels must be 1 (gray) or 3 (rgb), got ${channels}`);
  const per = inputSize * inputSize * channels;
  if (inputs.length !== n * per) {
    throw new AppError('invalid-argument', `${field}: expected ${n} images of ${inputSize}x${inputSize}x${channels} = ${n * per} bytes, got ${inputs.length}`);
  }
}

function checkConfig(c: AutoencoderConfig): Required<AutoencoderConfig> {
  const filters = c.filters ?? DEFAULT_FILTERS;
  if (!Number.isInteger(c.inputSize) || c.inputSize < 8 || c.inputSize % 8 !== 0) {
    throw new AppError('invalid-argument', `inputSize must be a multiple of 8 (e.g. 32 or 64), got ${c.inputSize}`);
  }
  if (c.channels !== 1 && c.channels !== 3) throw new AppError('invalid-argument', `channels must be 1 (gray) or 3 (rgb), got ${c.channels}`);
  if (!Number.isInteger(c.latentDim) || c.latentDim < 1 || c.latentDim > 4096) {
    throw new AppError('invalid-argument', `latentDim must be an integer in 1..4096, got ${c.latentDim}`);
  }
  if (!Number.isInteger(filters) || filters < 1) throw new AppError('invalid-argument', `filters must be a positive integer, got ${filters}`);
  return { inputSize: c.inputSize, channels: c.channels, latentDim: c.latentDim, seed: c.seed | 0, filters };
}

/**
 * Build an untrained autoencoder. Weights: Glorot-uniform kernels seeded from
 * `seed` (one derived seed per layer), zero biases, so equal configs give equal weights.
 * @throws AppError('invalid-argument') for a bad config.
 */
export function createAutoencoder(config: AutoencoderConfig): Autoencoder {
  const c = checkConfig(config);
  const { inputSize: s, channels, latentDim, filters: f } = c;
  let layerSeed = (c.seed * 7919) >>> 0;
  const init = () => tf.initializers.glorotUniform({ seed: (layerSeed = (layerSeed + 104729) >>> 0) });
  const s8 = s / 8;

  const encLayers = [
    tf.layers.conv2d({ name: 'enc_conv1', filters: f, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.conv2d({ name: 'enc_conv2', filters: 2 * f, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.conv2d({ name: 'enc_conv3', filters: 4 * f, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.flatten({ name: 'enc_flatten' }),
    tf.layers.dense({ name: 'enc_latent', units: latentDim, kernelInitializer: init() }),
  ];
  const decLayers = [
    tf.layers.dense({ name: 'dec_dense', units: s8 * s8 * 4 * f, activation: 'relu', kernelInitializer: init() }),
    tf.layers.reshape({ name: 'dec_reshape', targetShape: [s8, s8, 4 * f] }),
    tf.layers.conv2dTranspose({
      name: 'dec_deconv1',
      filters: 2 * f,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
    }),
    tf.layers.conv2dTranspose({ name: 'dec_deconv2', filters: f, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    tf.layers.conv2dTranspose({
      name: 'dec_deconv3',
      filters: channels,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer: init(),
    }),
  ];

  const xIn = tf.input({ shape: [s, s, channels], name: 'image' });
  let h: tf.SymbolicTensor = xIn;
  for (const l of encLayers) h = l.apply(h) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: xIn, outputs: h, name: 'encoder' });

  const zIn = tf.input({ shape: [latentDim], name: 'latent' });
  let g: tf.SymbolicTensor = zIn;
  for (const l of decLayers) g = l.apply(g) as tf.SymbolicTensor;
  const decoder = tf.model({ inputs: zIn, outputs: g, name: 'decoder' });

  let a: tf.SymbolicTensor = xIn;
  for (const l of [...encLayers, ...decLayers]) a = l.apply(a) as tf.SymbolicTensor;
  const autoencoder = tf.model({ inputs: xIn, outputs: a, name: 'autoencoder' });
  return { encoder, decoder, autoencoder, config: c };
}

/**
 * Data-dependent init of the output layer: bias = logit of each channel's mean
 * pixel value (over up to 4096 images), so the untrained decoder already
 * outputs the mean intensity instead of 0.5 and the first epochs learn
 * structure rather than the background level.
 */
function initOutputBias(ae: Autoencoder, inputs: Uint8Array, n: number): void {
  const { inputSize: s, channels: ch } = ae.config;
  const per = s * s * ch;
  const m = Math.min(n, 4096);
  const sums = new Float64Array(ch);
  for (let i = 0; i < m * per; i++) sums[i % ch] = sums[i % ch]! + inputs[i]!;
  const logits = Array.from(sums, (v) => {
    const p = Math.min(0.98, Math.max(0.02, v / (m * s * s * 255)));
    return Math.log(p / (1 - p));
  });
  const out = ae.decoder.getLayer('dec_deconv3');
  const [kernel] = out.getWeights(); // the live variable, not a copy: do not dispose
  const fresh = tf.tensor1d(logits);
  out.setWeights([kernel!, fresh]);
  fresh.dispose();
}

/** Free every weight of an autoencoder (the wrapper first, then encoder and decoder). */
export function disposeAutoencoder(ae: Autoencoder): void {
  ae.autoencoder.dispose();
  ae.encoder.dispose();
  ae.decoder.dispose();
}

export interface TrainAutoencoderOptions extends AutoencoderConfig, TrainingProgress {
  /** Number of images in `inputs`. */
  readonly n: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam learning rate; default 2e-3. */
  readonly learningRate?: number;
}

/** The caller owns encoder and decoder: dispose both when done (that frees every weight). */
export interface TrainedAutoencoder {
  readonly encoder: tf.LayersModel;
  readonly decoder: tf.LayersModel;
  readonly config: Required<AutoencoderConfig>;
  /** Mean training MSE per epoch (pixel values in [0, 1]). */
  readonly loss: number[];
  /** Last epoch's mean training MSE. */
  readonly finalLoss: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  readonly backend: ComputeBackend | null;
}

/**
 * Train an autoencoder on model inputs (no labels): MSE reconstruction, Adam,
 * seeded batch order.
 *
 * @param inputs uint8 N x S x S x C (HWC), N = opts.n.
 * @throws AppError('invalid-argument') for bad shapes or options.
 * @throws AppError('cancelled') when opts.signal aborts (seen before the next batch).
 * @throws AppError('training-failed') when the loss diverges.
 */
export async function trainAutoencoder(inputs: Uint8Array, opts: TrainAutoencoderOptions): Promise<TrainedAutoencoder> {
  checkImages(inputs, opts.n, opts.inputSize, opts.channels);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new AppError('invalid-argument', `epochs must be a positive integer, got ${opts.epochs}`);
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)
    throw new AppError('invalid-argument', `batchSize must be a positive integer, got ${opts.batchSize}`);
  const ae = createAutoencoder(opts);
  const { inputSize: s, channels } = ae.config;
  const per = s * s * channels;
  try {
    initOutputBias(ae, inputs, opts.n);
    const r = await runTrainingLoop({
      model: ae.autoencoder,
      n: opts.n,
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      seed: ae.config.seed,
      learningRate: opts.learningRate ?? 2e-3,
      makeBatch: (idx) => {
        const x = tf.tensor4d(gatherScaled(inputs, idx, per), [idx.length, s, s, channels]);
        return { x, y: x };
      },
      loss: (y, p) => tf.losses.meanSquaredError(y, p) as tf.Scalar,
      onEpoch: opts.onEpoch,
      onBatch: opts.onBatch,
      signal: opts.signal,
      what: 'autoencoder training',
    });
    // The training wrapper shares the encoder's and decoder's layers; disposing it
    // frees nothing now and lets encoder.dispose() + decoder.dispose() free every weight.
    ae.autoencoder.dispose();
    return {
      encoder: ae.encoder,
      decoder: ae.decoder,
      config: ae.config,
      loss: r.loss,
      finalLoss: r.loss[r.loss.length - 1]!,
      seconds: r.seconds,
      imagesPerSecond: r.samplesPerSecond,
      backend: backendSelection()?.backend ?? null,
    };
  } catch (e) {
    disposeAutoencoder(ae);
    throw e;
  }
}

/**
 * The model on the whole tensor at once, inference mode (model.apply). Not LayersModel.predict: its
 * batchSize default of 32 slices the input, and even with one batch its predict loop copies the input
 * once more with a wasm Slice (encoder on 256 images at 64 px: predict 20 ms, apply 13 ms, measured).
 */
export function predictWhole(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return model.apply(x, { training: false }) as tf.Tensor;
}

/**
 * Run `fn` on the images (uint8, scaled to [0, 1]; scaledImageTensor) in chunks of `batchSize` inside tf.tidy,
 * writing `outPer` floats per image; each chunk's result is read after its tidy.
 */
export function batched(
  inputs: Uint8Array,
  n: number,
  shape: [number, number, number],
  batchSize: number,
  outPer: number,
  fn: (x: tf.Tensor4D) => tf.Tensor,
): Float32Array {
  const per = shape[0] * shape[1] * shape[2];
  const out = new Float32Array(n * outPer);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const y = tf.tidy(() => fn(scaledImageTensor(inputs.subarray(start * per, (start + m) * per), [m, ...shape])));
    try {
      out.set(y.dataSync() as Float32Array, start * outPer);
    } finally {
      y.dispose();
    }
  }
  return out;
}

function inputShapeOf(model: tf.LayersModel): [number, number, number] {
  const shp = model.inputs[0]!.shape;
  const [, h, w, c] = shp;
  if (shp.length !== 4 || !h || !w || !c) throw new AppError('invalid-argument', `model input shape ${JSON.stringify(shp)} is not [N, S, S, C]`);
  return [h, w, c];
}

/**
 * Embeddings of images: encoder outputs, batched.
 *
 * With turns > 1 each embedding is rotation-pooled: the mean of the encoder's
 * outputs for the image turned clockwise by 0, 360/turns, ... degrees
 * (bilinear, black corners; rotateBatchClockwise). The mean over a rotation
 * orbit is invariant to turns by multiples of 360/turns and changes little in
 * between, so distances in the latent space then measure what an image shows
 * rather than which way it points (orbit averaging / group pooling; e.g.
 * Cohen & Welling, "Group Equivariant Convolutional Networks", ICML 2016).
 *
 * @param inputs uint8 N x S x S x C matching the encoder's input.
 * @param turns rotations averaged, 1..36 (1 = the plain latent vector).
 * @returns Float32Array n x latentDim, row-major.
 * @throws AppError('invalid-argument') when the images do not match the encoder's input shape or turns is out of range.
 */
export function encodeImages(encoder: tf.LayersModel, inputs: Uint8Array, n: number, batchSize = 256, turns = 1): Float32Array {
  const shape = inputShapeOf(encoder);
  checkImages(inputs, n, shape[0], shape[2]);
  if (!Number.isInteger(turns) || turns < 1 || turns > 36) throw new AppError('invalid-argument', `turns must be a whole number in 1..36, got ${turns}`);
  const d = encoder.outputs[0]!.shape[1]!;
  return batched(inputs, n, shape, batchSize, d, (x) => {
    if (turns === 1) return predictWhole(encoder, x);
    let sum = predictWhole(encoder, x);
    for (let k = 1; k < turns; k++) {
      // Each turned batch is freed as soon as it is encoded (only the small running sum is kept):
      // holding all of them until the batch ends costs turns x a full batch of images.
      const acc = sum;
      sum = tf.tidy(() => acc.add(predictWhole(encoder, rotateBatchClockwise(x, new Float32Array(x.shape[0]).fill((360 * k) / turns)))));
      acc.dispose();
    }
    return sum.div(turns);
  });
}

/**
 * Mean squared reconstruction error of decoder(encoder(x)) over the images
 * (pixel values in [0, 1]); the embedding quality figure reported beside speed.
 */
export function reconstructionLoss(encoder: tf.LayersModel, decoder: tf.LayersModel, inputs: Uint8Array, n: number, batchSize = 256): number {
  const shape = inputShapeOf(encoder);
  checkImages(inputs, n, shape[0], shape[2]);
  const per = shape[0] * shape[1] * shape[2];
  const sums = batched(inputs, n, shape, batchSize, 1, (x) => tf.sum(tf.square(tf.sub(predictWhole(decoder, predictWhole(encoder, x)), x)), [1, 2, 3]));
  let total = 0;
  for (let i = 0; i < n; i++) total += sums[i]!;
  return total / (n * per);
}
