/**
 * The wasm kernels registered by wasm-conv-kernels.ts against the cpu
 * backend's own implementations (an independent reference): gradients of
 * conv2d w.r.t. filter and input, conv2dTranspose forward and gradients,
 * matMul with transposed operands, and sums over leading axes; each on both
 * paths: the WebAssembly SIMD data movement (wasm-conv-simd.wat) and the
 * JavaScript fallback.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import wabtInit from 'wabt';
import { selectBackend } from '../../src/main/ml/backend.js';
import { convSimd, scaledImageTensor, setConvSimdEnabled } from '../../src/main/ml/wasm-conv-simd.js';
import { CONV_SIMD_WASM_BASE64 } from '../../src/main/ml/wasm-conv-simd-wasm.js';
import { mulberry32 } from '../../src/shared/random.js';

function randomArray(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

/** Run fn on a backend with fresh tensors made from the same arrays; returns the outputs' values. */
async function runOn(backend: 'wasm' | 'cpu', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const vals = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return vals;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

async function compare(fn: () => tf.Tensor[]): Promise<void> {
  const w = await runOn('wasm', fn);
  const c = await runOn('cpu', fn);
  for (let i = 0; i < c.length; i++) {
    expect(maxAbs(c[i]!)).toBeGreaterThan(0); // a zero gradient would prove nothing
    expect(maxAbsDiff(w[i]!, c[i]!)).toBeLessThan(1e-4 * Math.max(1, maxAbs(c[i]!)));
  }
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

type Case = { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'same' | 'valid' };
const cases: Case[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 'valid' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 2, pad: 'valid' },
  { x: [3, 16, 16, 1], f: [3, 3, 1, 8], s: 2, pad: 'same' },
  { x: [2, 11, 13, 1], f: [3, 3, 1, 3], s: 1, pad: 'same' },
  { x: [2, 6, 7, 9], f: [3, 3, 9, 2], s: 1, pad: 'valid' },
  { x: [1, 7, 12, 5], f: [5, 3, 5, 2], s: [2, 1], pad: 'same' },
  { x: [2, 8, 8, 4], f: [1, 1, 4, 6], s: 2, pad: 'valid' },
  { x: [2, 10, 11, 2], f: [4, 4, 2, 3], s: 3, pad: 'same' },
  { x: [1, 3, 3, 2], f: [5, 5, 2, 2], s: 1, pad: 'same' }, // filter wider than the input
  { x: [2, 4, 5, 1], f: [3, 3, 1, 2], s: 4, pad: 'same' }, // stride larger than the filter
];

describe.each(['wasm-simd', 'js'] as const)('wasm conv kernels (%s path) equal the cpu backend', (path) => {
  beforeAll(async () => {
    setConvSimdEnabled(path === 'wasm-simd');
    await tf.setBackend('wasm');
    expect(convSimd(tf.backend()) !== null).toBe(path === 'wasm-simd');
  });
  afterAll(() => setConvSimdEnabled(true));

  it.each(cases)('conv2d gradients w.r.t. filter and input: x $x, filter $f, stride $s, $pad', async ({ x, f, s, pad }) => {
    const xv = randomArray(
      x.reduce((a, b) => a * b),
      1,
    );
    const fv = randomArray(
      f.reduce((a, b) => a * b),
      2,
    );
    const outShape = tf.tidy(() => tf.conv2d(tf.zeros(x) as tf.Tensor4D, tf.zeros(f) as tf.Tensor4D, s, pad).shape);
    const dyv = randomArray(
      outShape.reduce((a, b) => a * b),
      3,
    );
    await compare(() => {
      const xt = tf.tensor4d(xv, x);
      const ft = tf.tensor4d(fv, f);
      const dy = tf.tensor4d(dyv, outShape as [number, number, number, number]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), dy)));
      return g([xt, ft]);
    });
  });

  // Stride 4 with a 3x3 filter is left out here: the gradient of conv2dTranspose w.r.t. its
  // input is a forward conv2d, and tfjs-backend-wasm's own Conv2D returns zeros when the
  // stride exceeds the filter (measured; not one of our kernels, and not used by our models).
  it.each(cases.filter((c) => c.pad === 'same' && !(c.s === 4)))('conv2dTranspose forward and gradients: filter $f, stride $s', async ({ x, f, s }) => {
    // conv2dTranspose maps a [B, h, w, co] input to [B, h*s, w*s, ci] with filter [kh, kw, ci, co].
    const sh = typeof s === 'number' ? s : s[0];
    const sw = typeof s === 'number' ? s : s[1];
    const inShape: [number, number, number, number] = [x[0], Math.ceil(x[1] / sh), Math.ceil(x[2] / sw), f[3]];
    const outShape: [number, number, number, number] = [x[0], inShape[1] * sh, inShape[2] * sw, f[2]];
    const iv = randomArray(
      inShape.reduce((a, b) => a * b),
      4,
    );
    const fv = randomArray(
      f.reduce((a, b) => a * b),
      5,
    );
    const dyv = randomArray(
      outShape.reduce((a, b) => a * b),
      6,
    );
    await compare(() => {
      const it = tf.tensor4d(iv, inShape);
      const ft = tf.tensor4d(fv, f);
      const dy = tf.tensor4d(dyv, outShape);
      const fwd = tf.conv2dTranspose(it, ft, outShape, s, 'same');
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, s, 'same'), dy)));
      return [fwd, ...g([it, ft])];
    });
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA=%s transposeB=%s (also batched)', async (ta, tb) => {
    const av = randomArray(2 * 5 * 7, 7);
    const bv = randomArray(2 * 7 * 3, 8);
    await compare(() => {
      const a = tf.tensor3d(av, ta ? [2, 7, 5] : [2, 5, 7]);
      const b = tf.tensor3d(bv, tb ? [2, 3, 7] : [2, 7, 3]);
      const a2 = tf.tensor2d(av.subarray(0, 35), ta ? [7, 5] : [5, 7]);
      const b2 = tf.tensor2d(bv.subarray(0, 21), tb ? [3, 7] : [7, 3]);
      return [tf.matMul(a, b, ta, tb), tf.matMul(a2, b2, ta, tb)];
    });
  });

  it.each([
    [[4, 5, 6, 3], [0, 1, 2], false],
    [[4, 5, 6, 3], [0, 1, 2], true],
    [[7, 9], [0], false],
    [[7, 9], [-2], true],
    [[33, 21], [0], false],
    [[4, 5, 6, 3], [1, 2], false], // not leading: the backend's own kernel
    [[4, 5, 6, 3], undefined, false], // all axes
  ] as const)('sum of shape %j over axes %j (keepDims %s)', async (shape, axes, keepDims) => {
    const v = randomArray(
      shape.reduce((a, b) => a * b, 1),
      11,
    );
    await compare(() => [tf.sum(tf.tensor(v, [...shape]), axes === undefined ? undefined : [...axes], keepDims)]);
    const shapeOf = async (b: 'wasm' | 'cpu') => {
      await tf.setBackend(b);
      return tf.tidy(() => tf.sum(tf.tensor(v, [...shape]), axes === undefined ? undefined : [...axes], keepDims).shape);
    };
    expect(await shapeOf('wasm')).toEqual(await shapeOf('cpu'));
  });

  it.each([
    [[6, 5, 4, 16], [0, 1, 2], false],
    [[6, 5, 4, 3], [0, 1, 2], true],
    [[7, 9], [0], false],
    [[4, 5, 6, 3], [1, 2], false], // not leading: the backend's own kernel
  ] as const)('mean of shape %j over axes %j (keepDims %s)', async (shape, axes, keepDims) => {
    const v = randomArray(
      shape.reduce((a, b) => a * b, 1),
      12,
    );
    await compare(() => [tf.mean(tf.tensor(v, [...shape]), [...axes], keepDims)]);
  });

  it.each([
    [
      [3, 4, 5, 8],
      [1, 1, 1, 8],
    ],
    [
      [1, 1, 1, 8],
      [3, 4, 5, 8],
    ],
    [[6, 12], [12]],
    [
      [6, 12],
      [1, 12],
    ],
    [
      [3, 4, 5, 6],
      [1, 1, 1, 6],
    ], // 6 channels: the backend's own kernel
  ] as const)('multiply, add, subtract of %j and %j (per-channel broadcast)', async (sa, sb) => {
    const av = randomArray(
      sa.reduce((x: number, y: number) => x * y, 1),
      13,
    );
    const bv = randomArray(
      sb.reduce((x: number, y: number) => x * y, 1),
      14,
    );
    await compare(() => {
      const a = tf.tensor(av, [...sa]);
      const b = tf.tensor(bv, [...sb]);
      return [tf.mul(a, b), tf.add(a, b), tf.sub(a, b)];
    });
  });

  it('frees its intermediate buffers (no tensors or wasm data left behind)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(randomArray(2 * 9 * 9 * 3, 9), [2, 9, 9, 3]);
    const f = tf.tensor4d(randomArray(3 * 3 * 3 * 4, 10), [3, 3, 3, 4]);
    const before = tf.memory();
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
    tf.dispose(g([x, f]));
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(tf.engine().backend.numDataIds()).toBe(before.numDataBuffers);
    tf.dispose([x, f]);
  });
});

describe('wasm-conv-simd', () => {
  it('gives the same bits as the JavaScript path (conv gradients, conv2dTranspose, transposed matMul, bias sums, per-channel broadcasts)', async () => {
    await tf.setBackend('wasm');
    const xv = randomArray(3 * 16 * 16 * 4, 21);
    const fv = randomArray(3 * 3 * 4 * 8, 22);
    const dyv = randomArray(3 * 8 * 8 * 8, 23);
    const av = randomArray(9 * 13, 24);
    const once = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor4d(xv, [3, 16, 16, 4]);
        const f = tf.tensor4d(fv, [3, 3, 4, 8]);
        const dy = tf.tensor4d(dyv, [3, 8, 8, 8]);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), dy)));
        const a = tf.tensor2d(av, [9, 13]);
        const outs = [
          ...g([x, f]),
          tf.conv2dTranspose(dy, f, [3, 16, 16, 4], 2, 'same'),
          tf.matMul(a, a, true, false),
          tf.sum(dy, [0, 1, 2]),
          tf.mean(dy, [0, 1, 2]),
        ];
        const v = tf.tensor4d(fv.subarray(0, 8), [1, 1, 1, 8]);
        outs.push(tf.mul(v, dy), tf.sub(v, dy), tf.sub(dy, v), tf.add(dy, v));
        return outs.map((t) => t.dataSync() as Float32Array);
      });
    const simd = once();
    setConvSimdEnabled(false);
    try {
      expect(once()).toEqual(simd);
    } finally {
      setConvSimdEnabled(true);
    }
  });

  it.each(['wasm-simd', 'js', 'cpu'] as const)('scaledImageTensor (%s) holds every byte / 255', async (path) => {
    const shape: [number, number, number, number] = [3, 5, 7, 3]; // 315 bytes: not a multiple of 4
    const r = mulberry32(31);
    const src = Uint8Array.from({ length: 315 }, () => Math.floor(r() * 256));
    src[0] = 0;
    src[1] = 255;
    await tf.setBackend(path === 'cpu' ? 'cpu' : 'wasm');
    setConvSimdEnabled(path === 'wasm-simd');
    try {
      const t = scaledImageTensor(src, shape);
      expect(t.shape).toEqual(shape);
      const got = t.dataSync();
      t.dispose();
      for (let i = 0; i < src.length; i++) expect(got[i]).toBe(Math.fround(src[i]! / 255));
    } finally {
      setConvSimdEnabled(true);
      await tf.setBackend('wasm');
    }
  });

  it('the committed module bytes are wasm-conv-simd.wat assembled', async () => {
    const wabt = await wabtInit();
    const wat = fs.readFileSync(new URL('../../src/main/ml/wasm-conv-simd.wat', import.meta.url), 'utf8');
    const mod = wabt.parseWat('wasm-conv-simd.wat', wat, { simd: true, bulk_memory: true });
    try {
      mod.validate();
      const bytes = Buffer.from(mod.toBinary({ log: false, write_debug_names: false }).buffer);
      expect(Buffer.from(CONV_SIMD_WASM_BASE64, 'base64').equals(bytes)).toBe(true);
    } finally {
      mod.destroy();
    }
  });
});
