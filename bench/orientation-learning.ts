/**
 * Does the orientation model learn? MNIST digits rotated by known random
 * angles (clockwise from up), autoencoder on all images, orientation model
 * trained on the first n labeled images at growing n, error on 500 held-out.
 *
 *   node --import tsx bench/orientation-learning.ts [--backend wasm] [--size 32]
 *        [--filters 8] [--ae-epochs 10] [--sizes 50,100,200,400] [--samples 8000] [--seeds 1]
 *        [--digits 0123456789] [--pool 3000] [--augment 1] [--pretrain 1]
 */
import { selectBackend } from '../src/main/ml/backend.js';
import { createAutoencoder, disposeAutoencoder, trainAutoencoder } from '../src/main/ml/autoencoder.js';
import { predictAngles, trainOrientationModel } from '../src/main/ml/orientation-model.js';
import { summarizeAngularErrors } from '../src/shared/angle.js';
import { mulberry32 } from '../src/shared/random.js';
import { mnistDigits, placeAndRotate } from '../test/ml/fixtures.js';
import type { ComputeBackend } from '../src/shared/types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const backend = await selectBackend(arg('backend', 'wasm') as ComputeBackend);
const size = Number(arg('size', '32'));
const filters = Number(arg('filters', '8'));
const aeEpochs = Number(arg('ae-epochs', '10'));
const sizes = arg('sizes', '50,100,200,400').split(',').map(Number);
const samples = Number(arg('samples', '8000'));
const seeds = Number(arg('seeds', '1'));
const augment = arg('augment', '1') === '1';
const nPool = Number(arg('pool', '3000'));
const nTest = 500;
const total = nPool + nTest;

const digitSet = arg('digits', '0123456789').split('').map(Number);
const { pixels, digits } = mnistDigits(total, 0, digitSet);
const rnd = mulberry32(42);
const angles = new Float32Array(total);
for (let i = 0; i < total; i++) angles[i] = rnd() * 360;
const images = placeAndRotate(pixels, total, size, angles);
const per = size * size;

const t0 = performance.now();
const ae = await trainAutoencoder(images, { n: total, inputSize: size, channels: 1, latentDim: 32, filters, epochs: aeEpochs, batchSize: 32, seed: 1 });
console.log(`backend ${backend}; autoencoder ${size}px f=${filters}: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${Math.round(ae.imagesPerSecond)} img/s, loss ${ae.loss.map((l) => l.toFixed(4)).join(' ')}`);

// --pretrain 0: the same regressor from an untrained (randomly initialised) encoder, for comparison.
const pretrain = arg('pretrain', '1') === '1';
const untrained = pretrain ? null : createAutoencoder({ inputSize: size, channels: 1, latentDim: 32, filters, seed: 1 });
const startEncoder = untrained ? untrained.encoder : ae.encoder;
const testX = images.subarray(nPool * per);
const testY = angles.subarray(nPool);
for (const n of sizes) {
  for (let seed = 1; seed <= seeds; seed++) {
    const t1 = performance.now();
    const epochs = Math.max(8, Math.min(150, Math.round(samples / n)));
    const { model } = await trainOrientationModel({
      encoder: startEncoder,
      inputs: images.subarray(0, n * per),
      n,
      anglesDeg: angles.subarray(0, n),
      axial: false,
      epochs,
      batchSize: 32,
      seed,
      augmentRot90: augment,
    });
    const pred = predictAngles(model, testX, nTest);
    const s = summarizeAngularErrors(pred, testY);
    const perDigit = digitSet.map((d) => {
      const idx = [...Array(nTest).keys()].filter((j) => digits[nPool + j] === d);
      return `${d}:${summarizeAngularErrors(idx.map((j) => pred[j]!), idx.map((j) => testY[j]!)).maeDeg.toFixed(0)}`;
    });
    console.log(`  per digit MAE ${perDigit.join(' ')}`);
    const predNoTta = predictAngles(model, testX, nTest, { rot90Average: false });
    const s2 = summarizeAngularErrors(predNoTta, testY);
    console.log(
      `n=${n} seed=${seed} epochs=${epochs}: MAE ${s.maeDeg.toFixed(1)} median ${s.medianDeg.toFixed(1)} within10 ${(s.within10 * 100).toFixed(0)}% (no TTA: MAE ${s2.maeDeg.toFixed(1)}) ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    model.model.dispose();
  }
}
if (untrained) disposeAutoencoder(untrained);
