/**
 * Label-shifting rotation augmentation for the orientation model.
 *
 * An image whose object points at angle t (degrees clockwise from up), turned
 * clockwise by phi about its centre, shows the same object at t + phi. So one
 * labeled image stands for its whole rotation orbit: training on random
 * rotations with the label shifted to match makes a copy of an already-labeled
 * image at another angle worth (almost) nothing new, which is exactly the
 * redundancy a novelty order is meant to skip (docs/architecture.md).
 * Any-angle rotation interpolates (bilinear) and fills uncovered corners with
 * black; the 90-degree rotations (rotate90Into) are exact.
 * Source of the transform convention: tf.image.transform (TensorFlow's
 * ImageProjectiveTransform: each row maps an OUTPUT pixel to the INPUT point it
 * samples).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * How training images are augmented.
 * - 'rotate': a seeded uniform random rotation in [0, 360) per presentation, label shifted (default).
 * - 'rot90': a seeded random multiple of 90 degrees (exact on the pixel grid), label shifted.
 * - 'none': images as they are.
 */
export type OrientationAugment = 'rotate' | 'rot90' | 'none';

export const ORIENTATION_AUGMENTS: readonly OrientationAugment[] = ['rotate', 'rot90', 'none'];

/**
 * Inverse transforms for tf.image.transform that turn square S x S images
 * clockwise by anglesDeg[i] about the image centre ((S-1)/2, (S-1)/2).
 * With x = column, y = row (y down), output (x, y) samples input
 * (cos p (x-c) + sin p (y-c) + c, -sin p (x-c) + cos p (y-c) + c), p = angle.
 * @param anglesDeg length B, degrees clockwise.
 * @returns Float32Array B x 8 (a0 a1 a2 b0 b1 b2 c0 c1), row-major.
 */
export function clockwiseRotationTransforms(anglesDeg: ArrayLike<number>, s: number): Float32Array {
  const n = anglesDeg.length;
  return affineTransforms(anglesDeg, new Float32Array(n).fill(1), new Float32Array(n), new Float32Array(n), s);
}

/**
 * Inverse affine transforms for tf.image.transform (each row maps an OUTPUT
 * pixel to the INPUT point it samples): output = shift + scale * R(angle) * (input - c) + c,
 * angles clockwise in degrees, shifts in px.
 */
export function affineTransforms(
  anglesDeg: ArrayLike<number>,
  scales: ArrayLike<number>,
  dx: ArrayLike<number>,
  dy: ArrayLike<number>,
  s: number,
): Float32Array {
  const c = (s - 1) / 2;
  const out = new Float32Array(anglesDeg.length * 8);
  for (let i = 0; i < anglesDeg.length; i++) {
    const p = (anglesDeg[i]! * Math.PI) / 180;
    const k = 1 / scales[i]!;
    const cos = Math.cos(p) * k;
    const sin = Math.sin(p) * k;
    // input = (1/scale) R(-angle) (output - c - shift) + c, R clockwise in image coordinates (y down).
    const ox = c + dx[i]!;
    const oy = c + dy[i]!;
    const o = i * 8;
    out[o] = cos;
    out[o + 1] = sin;
    out[o + 2] = c - cos * ox - sin * oy;
    out[o + 3] = -sin;
    out[o + 4] = cos;
    out[o + 5] = c + sin * ox - cos * oy;
  }
  return out;
}

/**
 * Turn each image of a batch clockwise by its own angle (bilinear, black fill).
 * @param x [B, S, S, C] float tensor (not disposed here).
 * @param anglesDeg length B, degrees clockwise.
 * @returns a new [B, S, S, C] tensor (call inside tf.tidy or dispose it).
 */
export function rotateBatchClockwise(x: tf.Tensor4D, anglesDeg: ArrayLike<number>): tf.Tensor4D {
  const [b, s, w] = x.shape;
  if (s !== w) throw new Error(`rotateBatchClockwise: images must be square, got ${s} x ${w}`);
  if (anglesDeg.length !== b) throw new Error(`rotateBatchClockwise: ${b} images but ${anglesDeg.length} angles`);
  return tf.tidy(() => {
    const t = tf.tensor2d(clockwiseRotationTransforms(anglesDeg, s), [b, 8]);
    // tfjs-backend-cpu 4.22's Transform kernel returns after the first image
    // of a batch (the others come back as fill value): one image at a time there.
    if (tf.getBackend() === 'cpu' && b > 1) {
      const ch = x.shape[3];
      const parts = [];
      for (let i = 0; i < b; i++) parts.push(tf.image.transform(x.slice([i, 0, 0, 0], [1, s, s, ch]), t.slice([i, 0], [1, 8]), 'bilinear', 'constant', 0));
      return tf.concat(parts, 0);
    }
    return tf.image.transform(x, t, 'bilinear', 'constant', 0);
  });
}
