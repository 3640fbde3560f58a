/**
 * Contrastive embedder speed and memory (issue "Speed and memory" rows):
 * - training throughput on wasm against PyTorch CPU (bench/contrastive-torch.py:
 *   same architecture, batch, augmentations and loss) at 64 px, batch 256, one
 *   epoch over the bundled demo images (assets/demo, 3,000 images), steady state
 *   (first 2 batches excluded); images per second, each image giving two views;
 * - embedding 10,000 images at 64 px (the demo images repeated): time with 1 and 8
 *   turns and the peak resident memory of a fresh process doing only that.
 *
 *   node --import tsx bench/contrastive-speed.ts            # both rows, printed
 *   node --import tsx bench/contrastive-speed.ts --embed N  # (child) embedding of N images, prints JSON
 *   npm run bench -- contrastive
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/main/ml/backend.js';
import { createContrastiveNet, disposeContrastiveNet, encodeContrastive, trainContrastive } from '../src/main/ml/contrastive.js';
import type { BenchResult } from './bench-types.js';
import { demoInputs } from './bench-util.js';

const SIZE = 64;
const BATCH = 256;
const MEMORY_REFERENCE = 'none: a memory budget (2 GB at 100,000 images), not another tool';
const MEMORY_GOAL = 'estimated peak RSS for 100,000 images < 2 GB';

/** The bundled demo images as N x 64 x 64 gray uint8 (sorted by path). */

function pythonWithTorch(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  return null;
}

interface TorchFigures {
  readonly trainImagesPerSecond: number;
  readonly trainImagesPerCpuSecond: number;
  readonly encodeImagesPerSecond: number;
  readonly loss: number[];
  readonly torch: string;
  readonly threads: number;
}

/** The PyTorch CPU reference on one thread (the wasm backend runs one), or why it could not run. */
function torchReference(dataFile: string, n: number): TorchFigures | string {
  const py = pythonWithTorch();
  if (!py) return 'PyTorch reference not run: no python3 here imports torch (apt-get install python3-torch)';
  const script = fileURLToPath(new URL('./contrastive-torch.py', import.meta.url));
  const p = spawnSync(py, [script, '--data', dataFile, '--n', String(n), '--size', String(SIZE), '--batch', String(BATCH), '--epochs', '1', '--threads', '1'], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  if (p.status !== 0) return `PyTorch reference failed: ${(p.stderr || p.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as TorchFigures;
}

/** Our training throughput (wasm), steady state like the reference. */
async function oursTraining(data: Uint8Array, n: number): Promise<{ imagesPerSecond: number; imagesPerCpuSecond: number; loss: number[] }> {
  await selectBackend('wasm');
  const stamps: number[] = [];
  const cpu: number[] = [];
  const r = await trainContrastive(data, {
    n,
    inputSize: SIZE,
    channels: 1,
    seed: 1,
    epochs: 1,
    batchSize: BATCH,
    onBatch: () => {
      stamps.push(performance.now());
      const u = process.cpuUsage();
      cpu.push((u.user + u.system) / 1e6);
    },
  });
  r.encoder.dispose();
  // Batches 3.. (stamps[1] = end of batch 2); every batch but the last is full.
  const timed = (stamps.length - 2) * BATCH - (BATCH - (n % BATCH || BATCH));
  return {
    imagesPerSecond: timed / ((stamps[stamps.length - 1]! - stamps[1]!) / 1000),
    imagesPerCpuSecond: timed / (cpu[cpu.length - 1]! - cpu[1]!),
    loss: r.loss,
  };
}

interface EmbedFigures {
  readonly n: number;
  readonly secondsTurns1: number;
  readonly secondsTurns8: number;
  readonly baseRssMb: number;
  readonly peakRssMb: number;
}

/** Child-process body: embed N images (the demo repeated) with 1 and 8 turns; peak RSS of this process. */
async function embedChild(total: number): Promise<EmbedFigures> {
  await selectBackend('wasm');
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const { data: demo, n } = await demoInputs(SIZE);
  const per = SIZE * SIZE;
  const inputs = new Uint8Array(total * per);
  for (let i = 0; i < total; i++) inputs.set(demo.subarray((i % n) * per, ((i % n) + 1) * per), i * per);
  const net = createContrastiveNet({ inputSize: SIZE, channels: 1, seed: 1 });
  let t = performance.now();
  encodeContrastive(net.encoder, inputs, total, 256, 1);
  const secondsTurns1 = (performance.now() - t) / 1000;
  t = performance.now();
  encodeContrastive(net.encoder, inputs, total, 256, 8);
  const secondsTurns8 = (performance.now() - t) / 1000;
  disposeContrastiveNet(net);
  return { n: total, secondsTurns1, secondsTurns8, baseRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function embedInChild(total: number): EmbedFigures | string {
  const self = fileURLToPath(import.meta.url);
  const p = spawnSync(process.execPath, ['--import', 'tsx', self, '--embed', String(total)], {
    encoding: 'utf8',
    timeout: 3_600_000,
    cwd: fileURLToPath(new URL('../', import.meta.url)),
  });
  if (p.status !== 0) return `embedding run failed: ${(p.stderr || '').trim().split('\n').pop()}`;
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as EmbedFigures;
}

/** bench/run.ts entry. */
export async function run(): Promise<BenchResult[]> {
  const { data, n } = await demoInputs(SIZE);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-contrastive-bench-')), 'demo64.u8');
  fs.writeFileSync(file, data);
  const ours = await oursTraining(data, n);
  const torch = torchReference(file, n);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const arch = '4 x conv3x3/2 (16-32-64-128) + batch norm + ReLU, global average pooling (128-d), head 128-64, NT-Xent t 0.2, Adam 1e-3';
  const load = `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  const train: BenchResult = {
    name: `contrastive training (${n} demo images, ${SIZE} px, batch ${BATCH}, 2 views each)`,
    figures: {
      'ours wasm images/s': +ours.imagesPerSecond.toFixed(1),
      'PyTorch CPU images/s': typeof torch === 'string' ? 'n/a' : +torch.trainImagesPerSecond.toFixed(1),
      'ours images per CPU-second': +ours.imagesPerCpuSecond.toFixed(1),
      'PyTorch images per CPU-second': typeof torch === 'string' ? 'n/a' : +torch.trainImagesPerCpuSecond.toFixed(1),
      ...(typeof torch === 'string' ? {} : { 'ratio per CPU-second': +(ours.imagesPerCpuSecond / torch.trainImagesPerCpuSecond).toFixed(2) }),
      'ours epoch loss': +ours.loss[0]!.toFixed(4),
      ...(typeof torch === 'string' ? {} : { 'PyTorch epoch loss': +torch.loss[0]!.toFixed(4) }),
    },
    ...(typeof torch === 'string'
      ? {}
      : {
          ratio: { value: ours.imagesPerSecond / torch.trainImagesPerSecond, goal: 1, description: 'ours (wasm) / PyTorch CPU training images/s, goal >= 1' },
        }),
    reference: 'PyTorch 1.13 CPU, one thread (bench/contrastive-torch.py), same network, views and loss, same run',
    goal: 'ours / PyTorch training images/s >= 1',
    met: typeof torch === 'string' ? false : ours.imagesPerSecond >= torch.trainImagesPerSecond,
    notes: `${arch}; ${typeof torch === 'string' ? torch : `PyTorch ${torch.torch} CPU, ${torch.threads} threads`}; ${load} (wall figures follow the load; the per-CPU-second ratio is the fairer one on a shared machine: both sides run one thread).`,
  };
  const e = embedInChild(10_000);
  const embed: BenchResult =
    typeof e === 'string'
      ? { name: 'contrastive embedding (10,000 images, 64 px)', figures: {}, reference: MEMORY_REFERENCE, goal: MEMORY_GOAL, met: false, notes: e }
      : {
          name: `contrastive embedding (${e.n} images, ${SIZE} px)`,
          figures: {
            'seconds (1 turn)': +e.secondsTurns1.toFixed(2),
            'seconds (8 turns, the default embeddingTurns)': +e.secondsTurns8.toFixed(2),
            'images/s (1 turn)': Math.round(e.n / e.secondsTurns1),
            'peak RSS MB': Math.round(e.peakRssMb),
            'RSS at start MB': Math.round(e.baseRssMb),
            'estimated peak RSS for 100,000 images MB': Math.round(e.peakRssMb + ((100_000 - e.n) * (SIZE * SIZE + 128 * 4)) / 2 ** 20),
          },
          reference: MEMORY_REFERENCE,
          goal: MEMORY_GOAL,
          met: e.peakRssMb + ((100_000 - e.n) * (SIZE * SIZE + 128 * 4)) / 2 ** 20 < 2048,
          notes: `fresh process, wasm, batches of 256; the estimate adds the model inputs (${SIZE * SIZE} B) and embeddings (512 B) of 90,000 more images (goal < 2 GB); ${load}.`,
        };
  return [train, embed];
}

const argv = process.argv.slice(2);
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ei = argv.indexOf('--embed');
  if (ei >= 0) {
    console.log(JSON.stringify(await embedChild(Number(argv[ei + 1]))));
  } else {
    for (const r of await run()) console.log(JSON.stringify(r, null, 2));
  }
}
