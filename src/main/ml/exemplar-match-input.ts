/**
 * The images as the exemplar orientation model compares them
 * (exemplar-orientation.ts): centred on their contrast centroid when aligned,
 * resized to the matching size, and normalized over the inscribed disc.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Shift each image by whole pixels so that the centroid of its contrast
 * against the background sits at the image centre ((s - 1) / 2). Background:
 * the mean of the pixels outside the inscribed disc (all channels); weight of
 * a pixel: the sum over channels of |value - background|. Pixels shifted in
 * from outside take the background value. An image with no contrast is left
 * as it is.
 * @param images uint8 n x s x s x ch, row-major, channels last.
 * @returns a new buffer of the same shape.
 */
export function centreOnCentroid(images: Uint8Array, n: number, s: number, ch: number): Uint8Array {
  const per = s * s * ch;
  const out = new Uint8Array(n * per);
  const c = (s - 1) / 2;
  const r2 = (s / 2) * (s / 2);
  const bg = new Float64Array(ch);
  for (let i = 0; i < n; i++) {
    const o = i * per;
    bg.fill(0);
    let nb = 0;
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        if ((x - c) ** 2 + (y - c) ** 2 <= r2) continue;
        for (let k = 0; k < ch; k++) bg[k]! += images[o + (y * s + x) * ch + k]!;
        nb++;
      }
    }
    for (let k = 0; k < ch; k++) bg[k] = nb > 0 ? bg[k]! / nb : 0;
    let m = 0;
    let mx = 0;
    let my = 0;
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        let w = 0;
        for (let k = 0; k < ch; k++) w += Math.abs(images[o + (y * s + x) * ch + k]! - bg[k]!);
        m += w;
        mx += w * x;
        my += w * y;
      }
    }
    const dx = m > 0 ? Math.round(c - mx / m) : 0;
    const dy = m > 0 ? Math.round(c - my / m) : 0;
    const fill = Array.from(bg, (v) => Math.round(v));
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const sx = x - dx;
        const sy = y - dy;
        const inside = sx >= 0 && sy >= 0 && sx < s && sy < s;
        for (let k = 0; k < ch; k++) out[o + (y * s + x) * ch + k] = inside ? images[o + (sy * s + sx) * ch + k]! : fill[k]!;
      }
    }
  }
  return out;
}

/** Disc mask of side m: 1 inside the inscribed circle (pixel centres), else 0. */
export function discMask(m: number): Float32Array {
  const mask = new Float32Array(m * m);
  const c = (m - 1) / 2;
  const r2 = (m / 2) * (m / 2);
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) mask[y * m + x] = (x - c) ** 2 + (y - c) ** 2 <= r2 ? 1 : 0;
  return mask;
}

/** Most input values converted to float at once (toMatchTensor works in slices of about this many). */
const CONVERT_SLICE_VALUES = 1 << 22;

/**
 * uint8 images -> float [n, m, m, ch] in [0, 1] at the matching size.
 * Converted and resized a slice of images at a time, so only the small
 * m x m result is ever held for all n (full-size int32 and float copies of
 * thousands of 256 px RGB images exhaust the wasm backend's memory).
 */
export function toMatchTensor(images: Uint8Array, n: number, s: number, ch: number, m: number): tf.Tensor4D {
  const per = s * s * ch;
  const slice = Math.max(1, Math.floor(CONVERT_SLICE_VALUES / per));
  const parts: tf.Tensor4D[] = [];
  try {
    for (let i0 = 0; i0 < n; i0 += slice) {
      const c = Math.min(slice, n - i0);
      parts.push(
        tf.tidy(() => {
          const x = tf
            .tensor4d(images.subarray(i0 * per, (i0 + c) * per), [c, s, s, ch], 'int32')
            .toFloat()
            .div(255) as tf.Tensor4D;
          return m === s ? x : tf.image.resizeBilinear(x, [m, m], false, true);
        }),
      );
    }
    if (parts.length === 1) return parts.pop()!;
    return parts.length === 0 ? tf.zeros([0, m, m, ch]) : tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}

/** Flatten [n, m, m, ch] to [n, D], keep the disc, zero mean and unit norm over the disc per row. */
export function normalizeOnDisc(x: tf.Tensor4D, mask: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, m, , ch] = x.shape;
    const flat = x.mul(mask).reshape([n, m * m * ch]);
    const maskFlat = tf.broadcastTo(mask, [1, m, m, ch]).reshape([1, m * m * ch]); // the mask is [1, m, m, 1]: one copy per channel
    const count = maskFlat.sum();
    const mean = flat.sum(1, true).div(count);
    const centred = flat.sub(mean).mul(maskFlat);
    return centred.div(centred.norm('euclidean', 1, true).add(1e-6)) as tf.Tensor2D;
  });
}
