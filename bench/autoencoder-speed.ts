/**
 * Autoencoder training speed and reconstruction quality per backend (rows
 * "autoencoder training, no native TensorFlow" and "embedding extraction").
 *
 * Images: the vendored Fashion-MNIST sample (test/fixtures/fashion-mnist-sample,
 * 2,000 test-split images): the last 500 are held out, the first 1,500 are the
 * training images, repeated with a different rotation per copy when a run asks
 * for more (training speed does not depend on which images they are).
 *
 * As a module (bench/run.ts): run() trains the default architecture on
 * 10,000 such images at 64 x 64 gray, batch 32, one epoch, on wasm
 * (and a short cpu-backend run), runs the same architecture in PyTorch on the
 * CPU (bench/autoencoder-torch.py) and returns the ratios.
 *
 * As a script, a grid for choosing the architecture:
 *   node --import tsx bench/autoencoder-speed.ts [--backends wasm,cpu] [--sizes 32,64]
 *        [--batches 32,64] [--filters 8] [--n 2048] [--epochs 3] [--cpu-n 256] [--json out.json]
 *
 * Figures: steady-state images/second of wall time and per CPU-second of this
 * process (first 2 batches excluded as warm-up; the CPU figure is the fairer one
 * on a loaded machine, wasm runs on one thread), training MSE per epoch, and
 * reconstruction MSE on 500 held-out images.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { selectBackend } from '../src/main/ml/backend.js';
import { DEFAULT_FILTERS, encodeImages, reconstructionLoss, trainAutoencoder } from '../src/main/ml/autoencoder.js';
import { FASHION_SAMPLE_COUNT, fashionImages, placeAndRotate } from '../test/ml/fixtures.js';
import type { ComputeBackend } from '../src/shared/types.js';
import type { BenchResult } from './bench-types.js';

export interface SpeedRow {
  readonly backend: ComputeBackend;
  readonly size: number;
  readonly filters: number;
  readonly batchSize: number;
  readonly n: number;
  readonly epochs: number;
  readonly imagesPerSecond: number;
  readonly imagesPerCpuSecond: number;
  readonly encodeImagesPerSecond: number;
  readonly encodeImagesPerCpuSecond: number;
  readonly trainLoss: number[];
  readonly heldOutMse: number;
  readonly params: number;
}

const N_TEST = 500;
const N_DISTINCT = FASHION_SAMPLE_COUNT - N_TEST;

/**
 * n training images then the N_TEST held-out ones, size x size: training image
 * i is sample image i mod N_DISTINCT, upright on its first use and turned by a
 * golden-angle step on each repeat, so no two copies are identical.
 */
export function fashionSet(n: number, size: number): Uint8Array {
  const sample = fashionImages(FASHION_SAMPLE_COUNT);
  const src = new Uint8Array(n * 784);
  const angles = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = i % N_DISTINCT;
    src.set(sample.subarray(j * 784, (j + 1) * 784), i * 784);
    angles[i] = (Math.floor(i / N_DISTINCT) * 137.508) % 360;
  }
  const all = new Uint8Array((n + N_TEST) * size * size);
  all.set(placeAndRotate(src, n, size, angles));
  all.set(placeAndRotate(sample.subarray(N_DISTINCT * 784), N_TEST, size), n * size * size);
  return all;
}

/** Train once and measure. `all` holds n + N_TEST images of size x size. */
export async function measure(
  backend: ComputeBackend,
  all: Uint8Array,
  size: number,
  filters: number,
  batchSize: number,
  n: number,
  epochs: number,
  latentDim = 32,
): Promise<SpeedRow> {
  const got = await selectBackend(backend);
  const per = size * size;
  const train = all.subarray(0, n * per);
  const test = all.subarray(n * per, (n + N_TEST) * per);
  const stamps: number[] = [];
  const cpuStamps: number[] = [];
  const r = await trainAutoencoder(train, {
    n,
    inputSize: size,
    channels: 1,
    latentDim,
    filters,
    epochs,
    batchSize,
    seed: 1,
    onBatch: () => {
      stamps.push(performance.now());
      const u = process.cpuUsage();
      cpuStamps.push((u.user + u.system) / 1000);
    },
  });
  const warm = 2;
  const imagesTimed = Math.min(n * epochs, stamps.length * batchSize) - warm * batchSize;
  const ips = imagesTimed / ((stamps[stamps.length - 1]! - stamps[warm - 1]!) / 1000);
  const ipcs = imagesTimed / ((cpuStamps[cpuStamps.length - 1]! - cpuStamps[warm - 1]!) / 1000);
  encodeImages(r.encoder, test.subarray(0, 64 * per), 64); // warm-up
  // Same work as the PyTorch reference: embed all n training images in batches of 256.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  encodeImages(r.encoder, all.subarray(0, n * per), n, 256);
  const encodeIps = n / ((performance.now() - t0) / 1000);
  const c1 = process.cpuUsage(c0);
  const encodeIpcs = n / ((c1.user + c1.system) / 1e6);
  const heldOutMse = reconstructionLoss(r.encoder, r.decoder, test, N_TEST);
  const row: SpeedRow = {
    backend: got,
    size,
    filters,
    batchSize,
    n,
    epochs,
    imagesPerSecond: Math.round(ips),
    imagesPerCpuSecond: Math.round(ipcs),
    encodeImagesPerSecond: Math.round(encodeIps),
    encodeImagesPerCpuSecond: Math.round(encodeIpcs),
    trainLoss: r.loss.map((x) => Number(x.toFixed(5))),
    heldOutMse: Number(heldOutMse.toFixed(5)),
    params: r.encoder.countParams() + r.decoder.countParams(),
  };
  r.encoder.dispose();
  r.decoder.dispose();
  return row;
}

/** The first Python that can import torch (pyenv shims may hide Debian's python3-torch). */
function pythonWithTorch(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

interface TorchFigures {
  readonly train: number;
  readonly encode: number;
  /** Images per CPU-second over the same spans (undefined if the script does not print them). */
  readonly trainPerCpu?: number;
  readonly encodePerCpu?: number;
  readonly trainCpuSeconds?: number;
  readonly encodeCpuSeconds?: number;
  readonly version: string;
  readonly threads: number;
  readonly loss: number[];
}

/**
 * The PyTorch CPU reference, or the reason it could not run. One thread by default: the wasm backend runs
 * one, and on a shared 2-core machine PyTorch's default thread count measured slower anyway. 0 = PyTorch's default.
 */
function torchReference(size: number, filters: number, batch: number, n: number, threads = 1): TorchFigures | string {
  const py = pythonWithTorch();
  if (!py) return 'PyTorch reference not run: no python3 here imports torch (apt-get install python3-torch)';
  const script = fileURLToPath(new URL('./autoencoder-torch.py', import.meta.url));
  const args = [
    script,
    '--size',
    String(size),
    '--filters',
    String(filters),
    '--batch',
    String(batch),
    '--n',
    String(n),
    '--epochs',
    '1',
    '--threads',
    String(threads),
  ];
  const p = spawnSync(py, args, {
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (p.status !== 0) return `PyTorch reference failed: ${(p.stderr || p.error?.message || '').trim().split('\n').pop()}`;
  const j = JSON.parse(p.stdout.trim().split('\n').pop()!) as {
    trainImagesPerSecond: number;
    encodeImagesPerSecond: number;
    torch: string;
    threads: number;
    loss: number[];
    trainImagesPerCpuSecond?: number;
    encodeImagesPerCpuSecond?: number;
    trainCpuSeconds?: number;
    encodeCpuSeconds?: number;
  };
  return {
    train: j.trainImagesPerSecond,
    encode: j.encodeImagesPerSecond,
    trainPerCpu: j.trainImagesPerCpuSecond,
    encodePerCpu: j.encodeImagesPerCpuSecond,
    trainCpuSeconds: j.trainCpuSeconds,
    encodeCpuSeconds: j.encodeCpuSeconds,
    version: j.torch,
    threads: j.threads,
    loss: j.loss,
  };
}

/** bench/run.ts entry: the training and embedding rows, 10,000 images at 64 x 64 gray, batch 32. */
export async function run(): Promise<BenchResult[]> {
  const size = 64;
  const batch = 32;
  const n = 10000;
  const filters = DEFAULT_FILTERS;
  const all = fashionSet(n, size);
  const wasm = await measure('wasm', all, size, filters, batch, n, 1);
  // The cpu backend is ~100x slower: time 96 images and say so.
  const cpuAll = new Uint8Array((96 + N_TEST) * size * size);
  cpuAll.set(all.subarray(0, 96 * size * size));
  cpuAll.set(all.subarray(n * size * size), 96 * size * size);
  const cpu = await measure('cpu', cpuAll, size, filters, batch, 96, 1);
  await selectBackend('auto');
  const torch = torchReference(size, filters, batch, n);
  const arch = `conv3x3/2 ${filters}-${2 * filters}-${4 * filters}, dense 32, mirrored convT decoder (src/main/ml/autoencoder.ts; same in bench/autoencoder-torch.py)`;
  const common = `${N_DISTINCT} Fashion-MNIST images (vendored sample) repeated with rotations to ${n}, letterboxed to ${size}x${size} gray; ${arch}; Adam 2e-3, MSE, batch ${batch}; steady state (first 2 batches excluded).`;
  const torchNote =
    typeof torch === 'string'
      ? torch
      : `PyTorch ${torch.version} CPU, ${torch.threads} threads; its epoch loss ${torch.loss.map((l) => l.toFixed(4)).join(', ')}.`;
  const trainRow: BenchResult = {
    name: `autoencoder training, no native TensorFlow (${n} images, ${size}x${size} gray)`,
    figures: {
      'wasm images/s': wasm.imagesPerSecond,
      'wasm images per CPU-s': wasm.imagesPerCpuSecond,
      'wasm epoch loss (MSE)': wasm.trainLoss[0]!,
      'wasm held-out MSE': wasm.heldOutMse,
      'cpu backend images/s': cpu.imagesPerSecond,
      'PyTorch CPU images/s': typeof torch === 'string' ? 'n/a' : Math.round(torch.train),
      'PyTorch images per CPU-s': typeof torch === 'string' || torch.trainPerCpu === undefined ? 'n/a' : Math.round(torch.trainPerCpu),
      'PyTorch CPU-s (timed batches)': typeof torch === 'string' || torch.trainCpuSeconds === undefined ? 'n/a' : Number(torch.trainCpuSeconds.toFixed(2)),
    },
    ...(typeof torch === 'string'
      ? {}
      : { ratio: { value: wasm.imagesPerSecond / torch.train, goal: 1, description: 'ours (wasm) / PyTorch CPU training images/s, goal >= 1' } }),
    reference: 'PyTorch 1.13 CPU, one thread (bench/autoencoder-torch.py), same network, data and batch size, same run',
    goal: 'ours / PyTorch training images/s >= 1',
    met: typeof torch === 'string' ? false : wasm.imagesPerSecond >= torch.train,
    notes: `${common} ${torchNote} cpu backend timed on 96 images. ${load()}`,
  };
  const encodeRow: BenchResult = {
    name: `embedding extraction (${size}x${size} gray)`,
    figures: {
      'wasm images/s': wasm.encodeImagesPerSecond,
      'wasm images per CPU-s': wasm.encodeImagesPerCpuSecond,
      'cpu backend images/s': cpu.encodeImagesPerSecond,
      'PyTorch CPU images/s': typeof torch === 'string' ? 'n/a' : Math.round(torch.encode),
      'PyTorch images per CPU-s': typeof torch === 'string' || torch.encodePerCpu === undefined ? 'n/a' : Math.round(torch.encodePerCpu),
      'PyTorch CPU-s': typeof torch === 'string' || torch.encodeCpuSeconds === undefined ? 'n/a' : Number(torch.encodeCpuSeconds.toFixed(3)),
    },
    ...(typeof torch === 'string'
      ? {}
      : { ratio: { value: wasm.encodeImagesPerSecond / torch.encode, goal: 1, description: 'ours (wasm) / PyTorch CPU inference images/s, goal >= 1' } }),
    reference: 'PyTorch 1.13 CPU, one thread (bench/autoencoder-torch.py), same network, data and batch size, same run',
    goal: 'ours / PyTorch embedding images/s >= 1',
    met: typeof torch === 'string' ? false : wasm.encodeImagesPerSecond >= torch.encode,
    notes: `The ${n} training images in batches of 256, after the trained model's warm-up. ${torchNote} ${load()}`,
  };
  return [trainRow, encodeRow];
}

/** The load average when a row is made: wall figures follow it on a shared machine. */
function load(): string {
  return `Load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}.`;
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

async function grid(): Promise<void> {
  const list = (s: string) => s.split(',').filter(Boolean);
  const backends = list(arg('backends', 'wasm,cpu')) as ComputeBackend[];
  const sizes = list(arg('sizes', '32,64')).map(Number);
  const batches = list(arg('batches', '32,64')).map(Number);
  const filtersList = list(arg('filters', String(DEFAULT_FILTERS))).map(Number);
  const nTrain = Number(arg('n', '2048'));
  const epochs = Number(arg('epochs', '3'));
  const cpuN = Number(arg('cpu-n', '256'));
  const latentDim = Number(arg('latent', '32'));
  const jsonOut = arg('json', '');
  const rows: SpeedRow[] = [];
  for (const backend of backends) {
    for (const size of sizes) {
      const all = fashionSet(nTrain, size);
      for (const filters of filtersList) {
        for (const batchSize of batches) {
          const n = backend === 'cpu' ? Math.min(cpuN, nTrain) : nTrain;
          // Keep the held-out images right after the n training images.
          const per = size * size;
          let data = all;
          if (n !== nTrain) {
            data = new Uint8Array((n + N_TEST) * per);
            data.set(all.subarray(0, n * per));
            data.set(all.subarray(nTrain * per), n * per);
          }
          const row = await measure(backend, data, size, filters, batchSize, n, backend === 'cpu' ? 1 : epochs, latentDim);
          rows.push(row);
          console.log(JSON.stringify(row));
        }
      }
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--run')) {
    for (const r of await run()) console.log(JSON.stringify(r, null, 2));
  } else {
    await grid();
  }
}
