/**
 * rotateBatchClockwise / clockwiseRotationTransforms against independent
 * references: the exact quarter turns of rotate90Into (pixel centres map onto
 * pixel centres, so bilinear must reproduce them), a plain-JS bilinear
 * inverse-mapping rotation for arbitrary angles, and hand-placed marks
 * (clockwise: a mark at the top goes to the right for +90). Run on the wasm
 * backend the suite uses and on the plain cpu backend (whose Transform kernel
 * in tfjs 4.22 handles only the first image of a batch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/main/ml/backend.js';
import { rotate90Into } from '../../src/main/ml/orientation-model.js';
import { clockwiseRotationTransforms, rotateBatchClockwise } from '../../src/main/ml/rotation-augment.js';
import { mulberry32 } from '../../src/shared/random.js';

function randomImages(n: number, s: number, ch: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n * s * s * ch);
  for (let i = 0; i < a.length; i++) a[i] = r();
  return a;
}

/** Turn each image by its angle with rotateBatchClockwise; returns the values (no tensors left behind). */
function rotate(images: Float32Array, n: number, s: number, ch: number, angles: number[]): Float32Array {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(images, [n, s, s, ch]);
  const y = rotateBatchClockwise(x, angles);
  expect(y.shape).toEqual([n, s, s, ch]);
  const out = Float32Array.from(y.dataSync());
  tf.dispose([x, y]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/**
 * Plain-JS reference: output pixel (x, y) of a clockwise turn by p about
 * c = (s-1)/2 is the input at the output offset turned back (counter-clockwise
 * in y-down coordinates) by p, sampled bilinearly, 0 outside the image.
 */
function referenceRotate(src: Float32Array, off: number, s: number, ch: number, angleDeg: number, out: Float32Array, outOff: number): void {
  const p = (angleDeg * Math.PI) / 180;
  const c = (s - 1) / 2;
  const at = (xx: number, yy: number, k: number) => (xx < 0 || yy < 0 || xx >= s || yy >= s ? 0 : src[off + (yy * s + xx) * ch + k]!);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const dx = x - c;
      const dy = y - c;
      const ix = c + Math.cos(p) * dx + Math.sin(p) * dy;
      const iy = c - Math.sin(p) * dx + Math.cos(p) * dy;
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const fx = ix - x0;
      const fy = iy - y0;
      for (let k = 0; k < ch; k++) {
        out[outOff + (y * s + x) * ch + k] =
          at(x0, y0, k) * (1 - fx) * (1 - fy) + at(x0 + 1, y0, k) * fx * (1 - fy) + at(x0, y0 + 1, k) * (1 - fx) * fy + at(x0 + 1, y0 + 1, k) * fx * fy;
      }
    }
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('clockwiseRotationTransforms', () => {
  it('maps each output point to the input point it came from under a clockwise turn', () => {
    const s = 11;
    const c = (s - 1) / 2;
    const angles = [0, 30, 90, 217, -45];
    const t = clockwiseRotationTransforms(angles, s);
    expect(t.length).toBe(angles.length * 8);
    angles.forEach((a, i) => {
      const [a0, a1, a2, b0, b1, b2, c0, c1] = Array.from(t.subarray(i * 8, i * 8 + 8));
      expect(c0).toBe(0);
      expect(c1).toBe(0);
      // The centre stays put.
      expect(a0! * c + a1! * c + a2!).toBeCloseTo(c, 5);
      expect(b0! * c + b1! * c + b2!).toBeCloseTo(c, 5);
      // A point 4 px above the centre lands, after a clockwise turn by a, at
      // (c + 4 sin a, c - 4 cos a) (x right, y down); the transform must send
      // that output point back to (c, c - 4).
      const p = (a * Math.PI) / 180;
      const ox = c + 4 * Math.sin(p);
      const oy = c - 4 * Math.cos(p);
      expect(a0! * ox + a1! * oy + a2!).toBeCloseTo(c, 5);
      expect(b0! * ox + b1! * oy + b2!).toBeCloseTo(c - 4, 5);
    });
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`rotateBatchClockwise on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    for (const s of [7, 8]) {
      it(`quarter turns equal rotate90Into exactly (side ${s}, different angle per image)`, () => {
        const ch = 2;
        const per = s * s * ch;
        const angles = [90, 0, 180, -90, 450];
        const quarters = [1, 0, 2, 3, 1];
        const n = angles.length;
        const src = randomImages(n, s, ch, 11 + s);
        const got = rotate(src, n, s, ch, angles);
        const want = new Float32Array(n * per);
        for (let i = 0; i < n; i++) rotate90Into(src, i * per, s, ch, quarters[i]!, want, i * per, 1);
        expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
        // Angle 0 is the identity; and the images really changed otherwise.
        expect(maxAbsDiff(got.subarray(per, 2 * per), src.subarray(per, 2 * per))).toBeLessThan(1e-6);
        expect(maxAbsDiff(got.subarray(0, per), src.subarray(0, per))).toBeGreaterThan(0.1);
      });
    }

    it('turns clockwise: a mark at the top goes to the right for +90 and to the upper right for +45', () => {
      const s = 9;
      const img = new Float32Array(s * s);
      img[1 * s + 4] = 1; // row 1, centre column: 3 px above the centre (4, 4)
      const both = new Float32Array(2 * s * s);
      both.set(img, 0);
      both.set(img, s * s);
      const out = rotate(both, 2, s, 1, [90, 45]);
      // +90: row 4, column 7 (3 px right of the centre), nothing else.
      expect(out[4 * s + 7]).toBeCloseTo(1, 5);
      let rest = 0;
      for (let k = 0; k < s * s; k++) if (k !== 4 * s + 7) rest += Math.abs(out[k]!);
      expect(rest).toBeLessThan(1e-5);
      // +45: the mark's centre of mass lies 45 degrees clockwise from up.
      let sx = 0;
      let sy = 0;
      let sw = 0;
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const v = out[s * s + y * s + x]!;
          sx += v * (x - 4);
          sy += v * (y - 4);
          sw += v;
        }
      }
      expect(sw).toBeGreaterThan(0.5);
      expect((Math.atan2(sx / sw, -sy / sw) * 180) / Math.PI).toBeCloseTo(45, 0);
    });

    it('arbitrary angles equal a plain-JS bilinear rotation (black outside), RGB, per image', () => {
      const s = 10;
      const ch = 3;
      const per = s * s * ch;
      const angles = [37, -123.5, 200, 5];
      const n = angles.length;
      const src = randomImages(n, s, ch, 5);
      const got = rotate(src, n, s, ch, angles);
      const want = new Float32Array(n * per);
      for (let i = 0; i < n; i++) referenceRotate(src, i * per, s, ch, angles[i]!, want, i * per);
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
      // The corners of a 37-degree turn come from outside the image: black.
      expect(got[0]).toBe(0);
    });

    it('refuses non-square images and a wrong number of angles', () => {
      const before = tf.memory().numTensors;
      const x = tf.zeros([2, 4, 5, 1]) as tf.Tensor4D;
      const y = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
      expect(() => rotateBatchClockwise(x, [0, 0])).toThrow(/square/);
      expect(() => rotateBatchClockwise(y, [0])).toThrow(/2 images but 1 angles/);
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
