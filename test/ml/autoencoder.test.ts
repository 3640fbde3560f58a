/**
 * Autoencoder on real images (Fashion-MNIST): loss falls and beats the
 * mean-image baseline on held-out images; seeded runs repeat exactly;
 * cancellation; serialize / load round trip gives identical embeddings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/main/ml/backend.js';
import { createAutoencoder, disposeAutoencoder, encodeImages, reconstructionLoss, trainAutoencoder } from '../../src/main/ml/autoencoder.js';
import { deserializeModel, serializeModel } from '../../src/main/ml/model-io.js';
import { AppError, isAppError } from '../../src/shared/errors.js';
import { fashionImages, placeAndRotate } from './fixtures.js';
import { rotate90Into } from '../../src/main/ml/orientation-model.js';

const S = 32;
const PER = S * S;
const N_TRAIN = 1024;
const N_TEST = 256;
let images: Uint8Array;

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  images = placeAndRotate(fashionImages(N_TRAIN + N_TEST), N_TRAIN + N_TEST, S);
});

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return isAppError(e) ? e.code : `other: ${String(e)}`;
  }
  return 'none';
}

describe('autoencoder', () => {
  it('learns real images: loss falls each epoch and held-out MSE beats the mean-image baseline', async () => {
    const train = images.subarray(0, N_TRAIN * PER);
    const test = images.subarray(N_TRAIN * PER);
    const epochsSeen: number[] = [];
    const r = await trainAutoencoder(train, {
      n: N_TRAIN,
      inputSize: S,
      channels: 1,
      latentDim: 16,
      epochs: 4,
      batchSize: 32,
      seed: 1,
      onEpoch: (e) => epochsSeen.push(e),
    });
    expect(epochsSeen).toEqual([1, 2, 3, 4]);
    expect(r.loss).toHaveLength(4);
    for (let i = 1; i < r.loss.length; i++) expect(r.loss[i]!).toBeLessThan(r.loss[i - 1]!);
    // Baseline computed independently: predict every test image as the mean training image.
    const mean = new Float64Array(PER);
    for (let i = 0; i < N_TRAIN; i++) for (let k = 0; k < PER; k++) mean[k] += train[i * PER + k]! / 255 / N_TRAIN;
    let base = 0;
    for (let i = 0; i < N_TEST; i++) for (let k = 0; k < PER; k++) base += (test[i * PER + k]! / 255 - mean[k]!) ** 2;
    base /= N_TEST * PER;
    const heldOut = reconstructionLoss(r.encoder, r.decoder, test, N_TEST);
    expect(heldOut).toBeLessThan(0.6 * base);
    expect(r.backend).toBe('wasm');
    expect(r.imagesPerSecond).toBeGreaterThan(0);

    const emb = encodeImages(r.encoder, test, N_TEST);
    expect(emb).toHaveLength(N_TEST * 16);
    // Batching does not change the result.
    const small = encodeImages(r.encoder, test, N_TEST, 7);
    let maxDiff = 0;
    for (let i = 0; i < emb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(emb[i]! - small[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    // Embeddings differ between images (no collapse): spread of the first coordinate.
    const first = Array.from({ length: N_TEST }, (_, i) => emb[i * 16]!);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(0.1);

    // Serialize -> JSON/BLOB (as the store keeps them) -> load: identical embeddings.
    const before = tf.memory().numTensors;
    const s = await serializeModel(r.encoder);
    const stored = { topology: JSON.parse(JSON.stringify(s.topology)) as unknown, weights: new Uint8Array(Buffer.from(s.weights)) };
    const loaded = await deserializeModel(stored);
    const emb2 = encodeImages(loaded, test, N_TEST);
    expect(Array.from(emb2)).toEqual(Array.from(emb));
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const weightsBefore = tf.memory().numTensors;
    r.encoder.dispose();
    r.decoder.dispose();
    expect(tf.memory().numTensors).toBeLessThan(weightsBefore);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const n = 128;
    const opts = { n, inputSize: S, channels: 1, latentDim: 8, epochs: 2, batchSize: 32 };
    const run = async (seed: number) => {
      const r = await trainAutoencoder(images.subarray(0, n * PER), { ...opts, seed });
      const e = encodeImages(r.encoder, images.subarray(0, 4 * PER), 4);
      r.encoder.dispose();
      r.decoder.dispose();
      return { loss: r.loss, e: Array.from(e) };
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b).toEqual(a);
    expect(c.e).not.toEqual(a.e);
  });

  it('stops at the next batch when cancelled and frees its weights', async () => {
    const ctrl = new AbortController();
    const before = tf.memory().numTensors;
    let batches = 0;
    const p = trainAutoencoder(images.subarray(0, 256 * PER), {
      n: 256,
      inputSize: S,
      channels: 1,
      latentDim: 8,
      epochs: 50,
      batchSize: 32,
      seed: 1,
      onBatch: (done) => {
        batches = done;
        if (done === 3) ctrl.abort();
      },
      signal: ctrl.signal,
    });
    await expect(p).rejects.toBeInstanceOf(AppError);
    expect(await codeOf(p)).toBe('cancelled');
    expect(batches).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles tiny sets (n = 1, n < batchSize) and rgb inputs', async () => {
    const one = await trainAutoencoder(images.subarray(0, PER), { n: 1, inputSize: S, channels: 1, latentDim: 4, epochs: 2, batchSize: 32, seed: 1 });
    expect(one.loss).toHaveLength(2);
    expect(encodeImages(one.encoder, images.subarray(0, PER), 1)).toHaveLength(4);
    one.encoder.dispose();
    one.decoder.dispose();
    // rgb: the gray images in all three channels, 16 px.
    const n = 8;
    const rgb = new Uint8Array(n * 16 * 16 * 3);
    for (let i = 0; i < n * 16 * 16; i++) rgb.fill(images[i * 4]!, 3 * i, 3 * i + 3);
    const r = await trainAutoencoder(rgb, { n, inputSize: 16, channels: 3, latentDim: 4, epochs: 3, batchSize: 3, seed: 1 });
    expect(r.loss[2]).toBeLessThan(r.loss[0]!);
    expect(encodeImages(r.encoder, rgb, n)).toHaveLength(n * 4);
    r.encoder.dispose();
    r.decoder.dispose();
  });

  it('refuses bad shapes and options with AppError(invalid-argument)', async () => {
    const opts = { n: 2, inputSize: S, channels: 1, latentDim: 8, epochs: 1, batchSize: 2, seed: 1 };
    expect(await codeOf(trainAutoencoder(new Uint8Array(2 * PER - 1), opts))).toBe('invalid-argument');
    expect(await codeOf(trainAutoencoder(new Uint8Array(2 * PER), { ...opts, epochs: 0 }))).toBe('invalid-argument');
    expect(await codeOf(() => createAutoencoder({ inputSize: 30, channels: 1, latentDim: 8, seed: 1 }))).toBe('invalid-argument');
    expect(await codeOf(() => createAutoencoder({ inputSize: 32, channels: 2, latentDim: 8, seed: 1 }))).toBe('invalid-argument');
    const ae = createAutoencoder({ inputSize: 16, channels: 3, latentDim: 4, seed: 1 });
    expect(await codeOf(() => encodeImages(ae.encoder, new Uint8Array(16 * 16), 1))).toBe('invalid-argument');
    expect(encodeImages(ae.encoder, new Uint8Array(2 * 16 * 16 * 3), 2)).toHaveLength(8);
    expect(await codeOf(() => encodeImages(ae.encoder, new Uint8Array(2 * 16 * 16 * 3), 2, 256, 0))).toBe('invalid-argument');
    expect(await codeOf(() => encodeImages(ae.encoder, new Uint8Array(2 * 16 * 16 * 3), 2, 256, 37))).toBe('invalid-argument');
    disposeAutoencoder(ae);
    expect(await codeOf(deserializeModel({ topology: { format: 'other' }, weights: new Uint8Array(0) }))).toBe('invalid-file');
  });

  it('rotation-pooled embeddings: with 4 turns an image and its exact quarter turn embed alike; 1 turn is the plain latent', () => {
    const ae = createAutoencoder({ inputSize: S, channels: 1, latentDim: 16, seed: 3 });
    const n = 6;
    const x = images.subarray(0, n * PER);
    // The quarter turns made by rotate90Into (an exact index permutation, independent of tf.image.transform).
    const turned = new Float32Array(n * PER);
    for (let i = 0; i < n; i++) rotate90Into(x, i * PER, S, 1, 1, turned, i * PER, 1);
    const turnedU8 = Uint8Array.from(turned);
    const plain = encodeImages(ae.encoder, x, n, 4, 1);
    const plainTurned = encodeImages(ae.encoder, turnedU8, n, 4, 1);
    const pooled = encodeImages(ae.encoder, x, n, 4, 4);
    const pooledTurned = encodeImages(ae.encoder, turnedU8, n, 4, 4);
    const dist = (a: Float32Array, b: Float32Array, i: number) => Math.hypot(...Array.from({ length: 16 }, (_, k) => a[i * 16 + k]! - b[i * 16 + k]!));
    for (let i = 0; i < n; i++) {
      // The orbit {0, 90, 180, 270} of the turned image is the orbit of the image: same mean.
      expect(dist(pooled, pooledTurned, i)).toBeLessThan(1e-4 * (1 + Math.hypot(...pooled.subarray(i * 16, i * 16 + 16))));
      // The plain latent vector does see the turn (so the check above can fail).
      expect(dist(plain, plainTurned, i)).toBeGreaterThan(1e-3);
      // The pooled vector is the mean of the four plain ones (brute force).
      const orbit = [x, turnedU8];
      const t2 = new Float32Array(n * PER);
      const t3 = new Float32Array(n * PER);
      for (let j = 0; j < n; j++) {
        rotate90Into(x, j * PER, S, 1, 2, t2, j * PER, 1);
        rotate90Into(x, j * PER, S, 1, 3, t3, j * PER, 1);
      }
      orbit.push(Uint8Array.from(t2), Uint8Array.from(t3));
      const mean = new Float32Array(16);
      for (const o of orbit) {
        const z = encodeImages(ae.encoder, o, n, 4, 1);
        for (let k = 0; k < 16; k++) mean[k] = mean[k]! + z[i * 16 + k]! / 4;
      }
      for (let k = 0; k < 16; k++) expect(pooled[i * 16 + k]).toBeCloseTo(mean[k]!, 4);
    }
    disposeAutoencoder(ae);
  });

  it('rotation-pooled embeddings hold one turned batch at a time: peak memory does not grow with the number of turns', async () => {
    const ae = createAutoencoder({ inputSize: S, channels: 1, latentDim: 8, seed: 5 });
    const n = 64;
    const x = images.subarray(0, n * PER);
    const batchBytes = n * PER * 4; // one float32 batch of images
    const peak = async (turns: number) => (await tf.profile(() => void encodeImages(ae.encoder, x, n, n, turns))).peakBytes;
    const two = await peak(2);
    const eight = await peak(8);
    // Keeping every turned batch until the batch ends would add 6 more batches (6 x 256 KiB) going from 2 to 8 turns.
    expect(eight - two).toBeLessThan(batchBytes / 2);
    disposeAutoencoder(ae);
  });
});
