/**
 * Contrastive embedder: augmentations keep shapes and value ranges and move
 * pixels where the transform says; NT-Xent and the batch-norm gradient equal
 * brute-force / tfjs-core references; on real images (bundled demo) a short
 * training makes an image's embedding closer to its own turned copy than to
 * other images, more often than the untrained network does; the loss falls;
 * a seed fixes the embedding; cancel stops training and frees its tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/main/ml/backend.js';
import { affineTransforms, augmentBatch, canonicalizeDisc, discMask, viewRandom } from '../../src/main/ml/contrastive-augment.js';
import { createContrastiveNet, disposeContrastiveNet, encodeContrastive, ntXentLoss, trainContrastive } from '../../src/main/ml/contrastive.js';
import { registerBroadcastBatchNormGradient } from '../../src/main/ml/contrastive-batchnorm-grad.js';
import { rotateBatchClockwise } from '../../src/main/ml/rotation-augment.js';
import { isAppError } from '../../src/shared/errors.js';
import { mulberry32 } from '../../src/shared/random.js';

const S = 32;
const PER_CLASS = 4; // 10 classes -> 40 real images
let images: Uint8Array;
let n = 0;

async function demoImages(perClass: number, s: number): Promise<{ data: Uint8Array; n: number }> {
  const root = path.resolve('assets/demo/images');
  const files: string[] = [];
  for (const cls of fs.readdirSync(root).sort()) {
    for (const f of fs.readdirSync(path.join(root, cls)).sort().slice(0, perClass)) files.push(path.join(root, cls, f));
  }
  const data = new Uint8Array(files.length * s * s);
  for (let i = 0; i < files.length; i++) data.set(await sharp(files[i]!).grayscale().resize(s, s).raw().toBuffer(), i * s * s);
  return { data, n: files.length };
}

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  ({ data: images, n } = await demoImages(PER_CLASS, S));
});

function cosine(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < d; k++) {
    dot += a[i * d + k]! * b[j * d + k]!;
    na += a[i * d + k]! ** 2;
    nb += b[j * d + k]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/** Share of images whose embedding is closer (cosine) to their own turned copy than to every other image. */
function ownCopyRate(emb: Float32Array, turned: Float32Array, count: number, d: number): number {
  let wins = 0;
  for (let i = 0; i < count; i++) {
    const own = cosine(emb, i, turned, i, d);
    let best = -Infinity;
    for (let j = 0; j < count; j++) if (j !== i) best = Math.max(best, cosine(emb, i, emb, j, d));
    if (own > best) wins++;
  }
  return wins / count;
}

/** The images turned clockwise by per-image angles 23 + 47 k degrees (bilinear), back to uint8. */
function turnedCopies(data: Uint8Array, count: number): Uint8Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      Float32Array.from(data, (v) => v / 255),
      [count, S, S, 1],
    );
    const angles = Float32Array.from({ length: count }, (_, k) => (23 + 47 * k) % 360);
    const r = rotateBatchClockwise(x, angles);
    return Uint8Array.from(r.dataSync(), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  });
}

describe('contrastive batch-norm gradient', () => {
  it('equals tfjs-core gradient of batch norm with batch statistics (before the override is registered)', () => {
    const rnd = mulberry32(5);
    const vals = Float32Array.from({ length: 4 * 3 * 3 * 5 }, () => rnd() * 2 - 1);
    const w = Float32Array.from({ length: 4 * 3 * 3 * 5 }, () => rnd());
    const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, beta, gamma, 1e-3), tf.tensor4d(w, [4, 3, 3, 5])));
    };
    const run = () =>
      tf.tidy(() => {
        const g = tf.grads(f)([tf.tensor4d(vals, [4, 3, 3, 5]), tf.tensor1d([1.5, 0.5, 1, 2, 0.7]), tf.tensor1d([0.1, -0.2, 0, 0.3, 0])]);
        return g.map((t) => Array.from(t.dataSync()));
      });
    const before = run();
    registerBroadcastBatchNormGradient();
    const after = run();
    for (let k = 0; k < before.length; k++) {
      expect(after[k]!.length).toBe(before[k]!.length);
      for (let i = 0; i < before[k]!.length; i++) expect(after[k]![i]).toBeCloseTo(before[k]![i]!, 4);
    }
  });
});

describe('contrastive augmentations', () => {
  it('keep shape and values in [0, 1] (gray and rgb), and fill outside the disc with one value per image and channel', () => {
    for (const [b, s, ch] of [
      [6, 32, 1],
      [3, 24, 3],
    ] as const) {
      const rnd = mulberry32(11);
      const x = tf.tensor4d(
        Float32Array.from({ length: b * s * s * ch }, () => rnd()),
        [b, s, s, ch],
      );
      const v = augmentBatch(x, viewRandom(3));
      expect(v.shape).toEqual([b, s, s, ch]);
      const d = v.dataSync();
      expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...d)).toBeLessThanOrEqual(1);
      const disc = discMask(s);
      for (let i = 0; i < b; i++) {
        for (let c = 0; c < ch; c++) {
          const outside: number[] = [];
          for (let p = 0; p < s * s; p++) if (disc[p] === 0) outside.push(d[(i * s * s + p) * ch + c]!);
          expect(Math.max(...outside) - Math.min(...outside)).toBeLessThan(1e-6);
        }
      }
      // The two views of one batch differ (different seeded parameters).
      const v2 = augmentBatch(x, viewRandom(4));
      expect(tf.max(tf.abs(tf.sub(v, v2))).dataSync()[0]).toBeGreaterThan(0.05);
      tf.dispose([x, v, v2]);
    }
  });

  it('the affine transform turns, shifts and scales as hand-worked on a pixel grid', () => {
    const s = 9;
    const c = (s - 1) / 2;
    const img = Float32Array.from({ length: s * s }, (_, i) => i); // value = y * s + x
    const x = tf.tensor4d(img, [1, s, s, 1]);
    const apply = (angle: number, scale: number, dx: number, dy: number) =>
      tf.image.transform(x, tf.tensor2d(affineTransforms([angle], [scale], [dx], [dy], s), [1, 8]), 'bilinear', 'constant', -1).dataSync();
    // 90 degrees clockwise: output (x, y) shows input (y, s - 1 - x).
    const r = apply(90, 1, 0, 0);
    for (let y = 0; y < s; y++) for (let xx = 0; xx < s; xx++) expect(r[y * s + xx]).toBeCloseTo((s - 1 - xx) * s + y, 4);
    // Shift by (2, -1): output (x, y) shows input (x - 2, y + 1).
    const t = apply(0, 1, 2, -1);
    expect(t[4 * s + 5]).toBeCloseTo(5 * s + 3, 4);
    expect(t[0]).toBe(-1); // input (-2, 1) is outside
    // Scale 2 about the centre: output c + 2u shows input c + u.
    const z = apply(0, 2, 0, 0);
    expect(z[(c + 2) * s + (c + 4)]).toBeCloseTo((c + 1) * s + (c + 2), 4);
    x.dispose();
  });

  it('canonicalizeDisc keeps the disc and sets the corners to the mean of the rim', () => {
    const s = 16;
    const rnd = mulberry32(2);
    const img = Float32Array.from({ length: s * s }, () => rnd());
    const out = canonicalizeDisc(tf.tensor4d(img, [1, s, s, 1])).dataSync();
    const cc = (s - 1) / 2;
    let rimSum = 0;
    let rimN = 0;
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const dd = Math.hypot(x - cc, y - cc);
        if (dd <= s / 2 && dd > s / 2 - 1.5) {
          rimSum += img[y * s + x]!;
          rimN++;
        }
      }
    expect(out[0]).toBeCloseTo(rimSum / rimN, 5);
    expect(out[(s / 2) * s + s / 2]).toBeCloseTo(img[(s / 2) * s + s / 2]!, 6);
  });
});

describe('NT-Xent', () => {
  it('equals the brute-force definition', () => {
    const rnd = mulberry32(9);
    const b = 3;
    const d = 4;
    const z = Float32Array.from({ length: 2 * b * d }, () => rnd() * 2 - 1);
    const t = 0.2;
    const got = ntXentLoss(tf.tensor2d(z, [2 * b, d]), t).dataSync()[0]!;
    let total = 0;
    const sim = (i: number, j: number) => cosine(z, i, z, j, d) / t;
    for (let i = 0; i < 2 * b; i++) {
      const pair = i < b ? i + b : i - b;
      let den = 0;
      for (let k = 0; k < 2 * b; k++) if (k !== i) den += Math.exp(sim(i, k));
      total += -Math.log(Math.exp(sim(i, pair)) / den);
    }
    expect(got).toBeCloseTo(total / (2 * b), 4);
  });
});

describe('contrastive embedder on real images', () => {
  it('after a short training an image is closer to its own turned copy than to other images, more often than untrained; the loss falls', async () => {
    const turned = turnedCopies(images, n);
    const untrained = createContrastiveNet({ inputSize: S, channels: 1, seed: 3 });
    const d = untrained.encoder.outputs[0]!.shape[1]!;
    // The product's embedding: pooled over 8 turns (settings.embeddingTurns default).
    const before = ownCopyRate(encodeContrastive(untrained.encoder, images, n, 256, 8), encodeContrastive(untrained.encoder, turned, n, 256, 8), n, d);
    disposeContrastiveNet(untrained);

    const losses: number[] = [];
    const r = await trainContrastive(images, { n, inputSize: S, channels: 1, seed: 3, epochs: 30, batchSize: 10, onEpoch: (_e, l) => losses.push(l) });
    const after = ownCopyRate(encodeContrastive(r.encoder, images, n, 256, 8), encodeContrastive(r.encoder, turned, n, 256, 8), n, d);
    r.encoder.dispose();
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / a.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.2);
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThanOrEqual(0.85);
  }, 60_000);

  it('the same seed gives the same embedding; another seed a different one', async () => {
    const m = 16;
    const sub = images.subarray(0, m * S * S);
    const run = async (seed: number) => {
      const r = await trainContrastive(sub, { n: m, inputSize: S, channels: 1, seed, epochs: 2, batchSize: 8 });
      const e = encodeContrastive(r.encoder, sub, m);
      r.encoder.dispose();
      return e;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // L2-normalised rows.
    const d = a.length / m;
    for (let i = 0; i < m; i++) expect(cosine(a, i, a, i, d)).toBeCloseTo(1, 5);
  }, 30_000);

  it('cancel stops training at the next batch with AppError cancelled and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    let batches = 0;
    let code = 'none';
    try {
      await trainContrastive(images, {
        n,
        inputSize: S,
        channels: 1,
        seed: 1,
        epochs: 50,
        batchSize: 8,
        signal: ac.signal,
        onBatch: () => {
          batches++;
          if (batches === 2) ac.abort();
        },
      });
    } catch (e) {
      code = isAppError(e) ? e.code : String(e);
    }
    expect(code).toBe('cancelled');
    expect(batches).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);
});
