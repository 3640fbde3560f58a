/**
 * Autoencoder training speed and reconstruction quality per backend.
 *
 *   node --import tsx bench/autoencoder-speed.ts [--backends wasm,cpu] [--sizes 32,64]
 *        [--batches 32,64] [--filters 16] [--n 2048] [--epochs 3] [--json out.json]
 *
 * Data: Fashion-MNIST test images (real, MIT), letterboxed to S x S gray.
 * Figures: steady-state images/second of wall time and per CPU-second of this
 * process (first 2 batches excluded as warm-up; the CPU figure is the fairer one
 * on a loaded machine, wasm runs on one thread),
 * training MSE per epoch, and reconstruction MSE on 500 held-out images.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/main/ml/backend.js';
import { encodeImages, reconstructionLoss, trainAutoencoder } from '../src/main/ml/autoencoder.js';
import { fashionImages, placeAndRotate } from '../test/ml/fixtures.js';
import type { ComputeBackend } from '../src/shared/types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const list = (s: string) => s.split(',').filter(Boolean);

const backends = list(arg('backends', 'wasm,cpu')) as ComputeBackend[];
const sizes = list(arg('sizes', '32,64')).map(Number);
const batches = list(arg('batches', '32,64')).map(Number);
const filtersList = list(arg('filters', '8')).map(Number);
const nTrain = Number(arg('n', '2048'));
const epochs = Number(arg('epochs', '3'));
const cpuN = Number(arg('cpu-n', '256'));
const latentDim = Number(arg('latent', '32'));
const jsonOut = arg('json', '');

const nTest = 500;
const raw = fashionImages(nTrain + nTest);
const rows: Record<string, unknown>[] = [];
for (const backend of backends) {
  const got = await selectBackend(backend);
  for (const size of sizes) {
    const all = placeAndRotate(raw, nTrain + nTest, size);
    const per = size * size;
    for (const filters of filtersList) {
      for (const batchSize of batches) {
        const n = backend === 'cpu' ? Math.min(cpuN, nTrain) : nTrain;
        const ep = backend === 'cpu' ? 1 : epochs;
        const train = all.subarray(0, n * per);
        const test = all.subarray(nTrain * per, (nTrain + nTest) * per);
        const stamps: number[] = [];
        const cpuStamps: number[] = [];
        const r = await trainAutoencoder(train, {
          n,
          inputSize: size,
          channels: 1,
          latentDim,
          filters,
          epochs: ep,
          batchSize,
          seed: 1,
          onBatch: () => {
            stamps.push(performance.now());
            const u = process.cpuUsage();
            cpuStamps.push((u.user + u.system) / 1000);
          },
        });
        const warm = 2;
        const batchesTimed = stamps.length - warm;
        const imagesTimed = Math.min(n * ep, stamps.length * batchSize) - warm * batchSize;
        const ips = imagesTimed / ((stamps[stamps.length - 1]! - stamps[warm - 1]!) / 1000);
        // Per CPU-second of this process: less sensitive to other load on the machine.
        const ipcs = imagesTimed / ((cpuStamps[cpuStamps.length - 1]! - cpuStamps[warm - 1]!) / 1000);
        const t0 = performance.now();
        encodeImages(r.encoder, test, nTest);
        const encodeIps = nTest / ((performance.now() - t0) / 1000);
        const testMse = reconstructionLoss(r.encoder, r.decoder, test, nTest);
        const row = {
          backend: got,
          size,
          filters,
          batchSize,
          n,
          epochs: ep,
          imagesPerSecond: Math.round(ips),
          imagesPerCpuSecond: Math.round(ipcs),
          encodeImagesPerSecond: Math.round(encodeIps),
          trainLoss: r.loss.map((x) => Number(x.toFixed(5))),
          heldOutMse: Number(testMse.toFixed(5)),
          params: r.encoder.countParams() + r.decoder.countParams(),
          batchesTimed,
        };
        rows.push(row);
        console.log(JSON.stringify(row));
        r.encoder.dispose();
        r.decoder.dispose();
      }
    }
  }
}
console.log(`tensors alive: ${tf.memory().numTensors}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
