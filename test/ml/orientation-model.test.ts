/**
 * Orientation model on real MNIST digits rotated by known angles (ground
 * truth = the rotation, clockwise from up): error falls as labels grow and
 * stays far below chance (90 degrees directed, 45 axial); seeded runs repeat.
 *
 * Digits 2, 3, 4, 5, 7 only: 0, 1 and 8 look alike after a half turn and a
 * rotated 6 is a 9, so for them "the rotation" is not recoverable from the
 * image and the directed task would be ill-posed. (Digits keep their natural
 * slant of roughly +-10 degrees, a floor no model can get under.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/main/ml/backend.js';
import { trainAutoencoder } from '../../src/main/ml/autoencoder.js';
import { predictAngles, rotate90Into, suggestedOrientationEpochs, trainOrientationModel } from '../../src/main/ml/orientation-model.js';
import { deserializeModel, serializeModel, type SerializedModel } from '../../src/main/ml/model-io.js';
import { summarizeAngularErrors } from '../../src/shared/angle.js';
import { isAppError } from '../../src/shared/errors.js';
import { mulberry32 } from '../../src/shared/random.js';
import { mnistDigits, placeAndRotate } from './fixtures.js';

const S = 32;
const PER = S * S;
const N_POOL = 1500;
const N_TEST = 300;
const TOTAL = N_POOL + N_TEST;
let images: Uint8Array;
let angles: Float32Array;
let encoder: SerializedModel;

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
  const { pixels } = mnistDigits(TOTAL, 0, [2, 3, 4, 5, 7]);
  const rnd = mulberry32(7);
  angles = new Float32Array(TOTAL);
  for (let i = 0; i < TOTAL; i++) angles[i] = rnd() * 360;
  images = placeAndRotate(pixels, TOTAL, S, angles);
  // Self-supervised on every image, as the product does (no labels used).
  const ae = await trainAutoencoder(images, { n: TOTAL, inputSize: S, channels: 1, latentDim: 32, epochs: 5, batchSize: 32, seed: 1 });
  encoder = await serializeModel(ae.encoder);
  ae.encoder.dispose();
  ae.decoder.dispose();
}, 300_000);

async function errorAt(n: number, opts: { axial?: boolean; seed?: number; epochs?: number } = {}): Promise<{ mae: number; pred: Float32Array }> {
  const axial = opts.axial ?? false;
  const period = axial ? 180 : 360;
  const labels = angles.map((a) => a % period);
  const { model } = await trainOrientationModel({
    encoder,
    inputs: images.subarray(0, n * PER),
    n,
    anglesDeg: labels.subarray(0, n),
    axial,
    epochs: opts.epochs ?? suggestedOrientationEpochs(n),
    batchSize: 32,
    seed: opts.seed ?? 1,
  });
  const pred = predictAngles(model, images.subarray(N_POOL * PER), N_TEST);
  model.model.dispose();
  for (const p of pred) {
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(period);
  }
  return { mae: summarizeAngularErrors(pred, labels.subarray(N_POOL), period).maeDeg, pred };
}

describe('orientation model', () => {
  it('rotate90Into turns the image clockwise (a mark at the top goes to the right)', () => {
    const s = 5;
    const img = new Uint8Array(s * s * 2);
    img[(0 * s + 2) * 2] = 200; // top centre, channel 0
    img[(0 * s + 2) * 2 + 1] = 100; // channel 1
    img[(1 * s + 0) * 2] = 50; // row 1, left edge
    const out = new Float32Array(s * s * 2);
    rotate90Into(img, 0, s, 2, 1, out, 0, 1);
    expect(out[(2 * s + 4) * 2]).toBe(200); // right centre
    expect(out[(2 * s + 4) * 2 + 1]).toBe(100);
    expect(out[(0 * s + 3) * 2]).toBe(50); // left edge row 1 -> top row, column s-2
    rotate90Into(img, 0, s, 2, 2, out, 0, 1);
    expect(out[(4 * s + 2) * 2]).toBe(200); // bottom centre
    rotate90Into(img, 0, s, 2, 3, out, 0, 1);
    expect(out[(2 * s + 0) * 2]).toBe(200); // left centre
  });

  it('error falls as labels grow (20 -> 50 -> 400) and ends far below chance', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const e20 = await errorAt(20);
    const e50 = await errorAt(50);
    const e400 = await errorAt(400);
    console.log(
      `orientation MAE on ${N_TEST} rotated digits: 20 labels ${e20.mae.toFixed(1)}, 50 labels ${e50.mae.toFixed(1)}, 400 labels ${e400.mae.toFixed(1)} deg`,
    );
    expect(e20.mae).toBeLessThan(60); // chance is 90
    expect(e50.mae).toBeLessThan(45);
    expect(e400.mae).toBeLessThan(25);
    expect(e400.mae).toBeLessThan(e50.mae - 2);
    expect(e400.mae).toBeLessThan(e20.mae - 8);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('is deterministic for a seed', async () => {
    const a = await errorAt(50, { seed: 3, epochs: 20 });
    const b = await errorAt(50, { seed: 3, epochs: 20 });
    expect(Array.from(b.pred)).toEqual(Array.from(a.pred));
  });

  it('axial projects: predictions in [0, 180), error far below the 45 degrees of chance', async () => {
    const e = await errorAt(400, { axial: true, epochs: 20 });
    expect(e.mae).toBeLessThan(25);
  });

  it('survives a serialize / load round trip with identical predictions', async () => {
    const { model } = await trainOrientationModel({
      encoder,
      inputs: images.subarray(0, 40 * PER),
      n: 40,
      anglesDeg: angles.subarray(0, 40),
      axial: false,
      epochs: 2,
      batchSize: 16,
      seed: 1,
    });
    const s = await serializeModel(model.model);
    const loaded = { model: await deserializeModel({ topology: JSON.parse(JSON.stringify(s.topology)) as unknown, weights: s.weights }), axial: false };
    const test = images.subarray(N_POOL * PER, (N_POOL + 50) * PER);
    expect(Array.from(predictAngles(loaded, test, 50))).toEqual(Array.from(predictAngles(model, test, 50)));
    model.model.dispose();
    loaded.model.dispose();
  });

  it('refuses mismatched labels', async () => {
    try {
      await trainOrientationModel({
        encoder,
        inputs: images.subarray(0, 4 * PER),
        n: 4,
        anglesDeg: new Float32Array(3),
        axial: false,
        epochs: 1,
        batchSize: 2,
        seed: 1,
      });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('invalid-argument');
    }
  });
});
