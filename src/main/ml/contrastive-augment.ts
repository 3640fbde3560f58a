/**
 * Augmentations of the contrastive embedder: the changes that do NOT count as
 * novelty. Two independently augmented views of one image are pulled together
 * in the latent space, so whatever the augmentations vary is what the
 * embedding learns to ignore:
 *   - any-angle rotation (the label is the orientation: the embedding must not carry it),
 *   - shift (up to 7 % of the side), scale (0.85-1.15),
 *   - brightness (+-0.2) and contrast (x 0.6-1.4),
 *   - Gaussian blur (a seeded blend with a 3x3 binomial blur) and Gaussian noise (sd up to 0.05).
 * Everything else (shape, texture, what the object is) stays novel.
 *
 * Only the inscribed disc is kept (discMask): outside it every pixel is set to
 * the mean of the disc's rim, so corners carry no rotation cue and a turned
 * copy has the same support as the original. The embedder applies the same
 * mask at inference (canonicalizeDisc).
 *
 * Batched on the tfjs backend: one tf.image.transform per batch with a
 * per-image affine matrix (rotation + scale + shift; the wasm backend has a
 * Transform kernel), then elementwise ops and one depthwise 3x3 convolution.
 * No gradient flows through any of this (inputs only). Random parameters come
 * from a seeded mulberry32 stream, so a seed fixes every view.
 */
import * as tf from '@tensorflow/tfjs';
import { affineTransforms } from './rotation-augment.js';

export { affineTransforms };
import { mulberry32 } from '../../shared/random.js';

export interface ContrastiveAugmentOptions {
  /** Largest shift as a share of the side (default 0.07). */
  readonly maxShift: number;
  /** Scale drawn uniformly in [minScale, maxScale] (default 0.85-1.15). */
  readonly minScale: number;
  readonly maxScale: number;
  /** Additive brightness drawn in [-b, b] (pixel values in [0, 1]; default 0.2). */
  readonly brightness: number;
  /** Contrast factor drawn in [1 - c, 1 + c] about the image mean (default 0.4). */
  readonly contrast: number;
  /** Noise sd drawn in [0, noise] (default 0.05). */
  readonly noise: number;
  /** Probability that a view is blurred (blend weight uniform in [0, 1]; default 0.5). */
  readonly blurProbability: number;
}

export const DEFAULT_AUGMENT: ContrastiveAugmentOptions = {
  maxShift: 0.07,
  minScale: 0.85,
  maxScale: 1.15,
  brightness: 0.2,
  contrast: 0.4,
  noise: 0.05,
  blurProbability: 0.5,
};

/** [1, S, S, 1] mask: 1 inside the inscribed disc (pixel centres within radius S/2 of the centre), else 0. */
export function discMask(s: number): Float32Array {
  const c = (s - 1) / 2;
  const r2 = (s / 2) * (s / 2);
  const m = new Float32Array(s * s);
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) m[y * s + x] = (x - c) ** 2 + (y - c) ** 2 <= r2 ? 1 : 0;
  return m;
}

/** [S*S] mask of the disc's rim: inside the disc, within 1.5 px of its edge. */
function rimMask(s: number): Float32Array {
  const c = (s - 1) / 2;
  const r = s / 2;
  const m = new Float32Array(s * s);
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) {
      const d = Math.hypot(x - c, y - c);
      m[y * s + x] = d <= r && d > r - 1.5 ? 1 : 0;
    }
  return m;
}

/**
 * Keep the inscribed disc; fill outside it with each image's mean rim value
 * (its background estimate), so the corners say nothing about the turn.
 * @param x [B, S, S, C] in [0, 1]; not disposed.
 */
export function canonicalizeDisc(x: tf.Tensor4D): tf.Tensor4D {
  const [, s, , ch] = x.shape;
  return tf.tidy(() => {
    const disc = tf.tensor4d(discMask(s), [1, s, s, 1]);
    const rimArr = rimMask(s);
    let count = 0;
    for (const v of rimArr) count += v;
    const rim = tf.tensor4d(rimArr, [1, s, s, 1]);
    const rimMean = tf.sum(tf.mul(x, rim), [1, 2], true).div(count); // [B, 1, 1, C]
    void ch;
    return tf.add(tf.mul(x, disc), tf.mul(rimMean, tf.sub(1, disc))) as tf.Tensor4D;
  });
}

/** Seeded parameters of one batch of views. */
export interface ViewParams {
  readonly angles: Float32Array;
  readonly scales: Float32Array;
  readonly dx: Float32Array;
  readonly dy: Float32Array;
  readonly gain: Float32Array;
  readonly bias: Float32Array;
  readonly blur: Float32Array;
  readonly noiseSd: Float32Array;
  readonly noiseSeed: number;
}

export function drawViewParams(b: number, s: number, rnd: () => number, o: ContrastiveAugmentOptions = DEFAULT_AUGMENT): ViewParams {
  const f = () => new Float32Array(b);
  const p = { angles: f(), scales: f(), dx: f(), dy: f(), gain: f(), bias: f(), blur: f(), noiseSd: f() };
  for (let i = 0; i < b; i++) {
    p.angles[i] = rnd() * 360;
    p.scales[i] = o.minScale + rnd() * (o.maxScale - o.minScale);
    p.dx[i] = (rnd() * 2 - 1) * o.maxShift * s;
    p.dy[i] = (rnd() * 2 - 1) * o.maxShift * s;
    p.gain[i] = 1 + (rnd() * 2 - 1) * o.contrast;
    p.bias[i] = (rnd() * 2 - 1) * o.brightness;
    p.blur[i] = rnd() < o.blurProbability ? rnd() : 0;
    p.noiseSd[i] = rnd() * o.noise;
  }
  return { ...p, noiseSeed: Math.floor(rnd() * 0x7fffffff) };
}

const col = (v: Float32Array) => tf.tensor4d(v, [v.length, 1, 1, 1]);

/**
 * One augmented view of each image of the batch (values stay in [0, 1], the
 * shape stays [B, S, S, C]). Call twice with one rnd for the two views.
 * @param x [B, S, S, C] in [0, 1]; not disposed.
 */
export function augmentBatch(x: tf.Tensor4D, rnd: () => number, o: ContrastiveAugmentOptions = DEFAULT_AUGMENT): tf.Tensor4D {
  const [b, s, w, ch] = x.shape;
  if (s !== w) throw new Error(`augmentBatch: images must be square, got ${s} x ${w}`);
  const p = drawViewParams(b, s, rnd, o);
  return tf.tidy(() => {
    const base = canonicalizeDisc(x);
    const t = tf.tensor2d(affineTransforms(p.angles, p.scales, p.dx, p.dy, s), [b, 8]);
    let v: tf.Tensor4D;
    // tfjs-backend-cpu 4.22's Transform kernel fills only the first image of a batch: one at a time there.
    if (tf.getBackend() === 'cpu' && b > 1) {
      const parts = [];
      for (let i = 0; i < b; i++) parts.push(tf.image.transform(base.slice([i, 0, 0, 0], [1, s, s, ch]), t.slice([i, 0], [1, 8]), 'bilinear', 'nearest'));
      v = tf.concat(parts, 0);
    } else {
      v = tf.image.transform(base, t, 'bilinear', 'nearest');
    }
    // Blur: blend with a 3x3 binomial blur (weight per image).
    const k1 = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((q) => q / 16);
    const kernel = tf.tensor4d(
      Array.from({ length: 9 * ch }, (_, i) => k1[Math.floor(i / ch)]!),
      [3, 3, ch, 1],
    );
    const blurred = tf.depthwiseConv2d(v, kernel, 1, 'same');
    const wBlur = col(p.blur);
    v = tf.add(tf.mul(v, tf.sub(1, wBlur)), tf.mul(blurred, wBlur));
    // Contrast about the image mean, then brightness.
    const mean = tf.mean(v, [1, 2, 3], true);
    v = tf.add(tf.add(tf.mul(tf.sub(v, mean), col(p.gain)), mean), col(p.bias));
    v = tf.add(v, tf.mul(tf.randomNormal([b, s, s, ch], 0, 1, 'float32', p.noiseSeed), col(p.noiseSd)));
    v = tf.clipByValue(v, 0, 1);
    return canonicalizeDisc(v);
  });
}

/** Seeded random stream for the views (its own stream, separate from the batch order). */
export function viewRandom(seed: number): () => number {
  return mulberry32((seed ^ 0x27d4eb2f) >>> 0);
}
