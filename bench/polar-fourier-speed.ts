/**
 * Polar Fourier embedding speed and memory (`npm run bench -- polar`):
 * - 10,000 images at 64 px (the demo images repeated), descriptors and the
 *   projection onto 32 principal axes, in a fresh child process: seconds and
 *   peak resident memory, and the estimate for 100,000 images (goal < 2 GB);
 * - the same work by a vectorised NumPy reference (bench/polar-fourier-numpy.py)
 *   on the same bytes: throughput ratio ours / NumPy (goal >= 1), and the
 *   largest difference between the two descriptor sets (both compute the same
 *   quantities, so it checks the reference as much as ours).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { polarFourierDescriptors, polarFourierEmbeddings, polarFourierLength } from '../src/main/ml/polar-fourier.js';
import type { BenchResult } from './bench-types.js';
import { demoInputs } from './bench-util.js';

const SIZE = 64;
const N = 10_000;
const DIM = 32;
const REFERENCE = 'a vectorised NumPy version of the same descriptors and projection (bench/polar-fourier-numpy.py), one thread, same bytes';
const GOAL_TEXT = 'ours / NumPy throughput >= 1, descriptors equal to 1e-4, estimated peak RSS for 100,000 images < 2 GB';

/** The demo images at SIZE px, repeated up to `total`. */
async function demoRepeated(total: number): Promise<Uint8Array> {
  const { data, n } = await demoInputs(SIZE);
  const per = SIZE * SIZE;
  const out = new Uint8Array(total * per);
  for (let i = 0; i < total; i++) out.set(data.subarray((i % n) * per, ((i % n) + 1) * per), i * per);
  return out;
}

interface ChildFigures {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly explained: number;
  readonly baseRssMb: number;
  readonly peakRssMb: number;
}

/** Child-process body: embed the images in `file`; peak RSS of this process. */
function embedChild(file: string, n: number): ChildFigures {
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const data = new Uint8Array(fs.readFileSync(file));
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = polarFourierEmbeddings(data, n, SIZE, 1, DIM);
  const seconds = (performance.now() - t) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, cpuSeconds: (c.user + c.system) / 1e6, explained: r.explained, baseRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function python(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) if (spawnSync(py, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return py;
  return null;
}

export async function run(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-polar-bench-'));
  try {
    const data = await demoRepeated(N);
    const file = path.join(dir, 'inputs.u8');
    fs.writeFileSync(file, data);
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', file, String(N)], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../', import.meta.url)),
    });
    if (child.status !== 0)
      return [
        {
          name: `polar Fourier embedding (${N} images, ${SIZE} px)`,
          figures: {},
          reference: REFERENCE,
          goal: GOAL_TEXT,
          met: false,
          notes: `child failed: ${(child.stderr || '').trim().split('\n').pop()}`,
        },
      ];
    const ours = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildFigures;
    const py = python();
    let ref: { seconds: number; cpuSeconds: number; numpy: string } | string = 'NumPy not installed (python3-numpy)';
    let maxDiff: number | null = null;
    if (py) {
      const out = path.join(dir, 'numpy.f32');
      const p = spawnSync(py, [fileURLToPath(new URL('./polar-fourier-numpy.py', import.meta.url)), file, String(N), String(SIZE), String(DIM), out], {
        encoding: 'utf8',
      });
      if (p.status === 0) {
        ref = JSON.parse(p.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; numpy: string };
        const len = polarFourierLength(1);
        const theirs = new Float32Array(fs.readFileSync(out).buffer.slice(0, 200 * len * 4));
        const mine = polarFourierDescriptors(data.subarray(0, 200 * SIZE * SIZE), 200, SIZE, 1);
        maxDiff = 0;
        for (let i = 0; i < mine.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mine[i]! - theirs[i]!));
      } else ref = `NumPy reference failed: ${(p.stderr || '').trim().split('\n').pop()}`;
    }
    const est100k = ours.peakRssMb + ((100_000 - N) * (SIZE * SIZE + (polarFourierLength(1) + DIM) * 4)) / 2 ** 20;
    const load = `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
    const ratio = typeof ref === 'string' ? null : ref.seconds / ours.seconds;
    return [
      {
        name: `polar Fourier embedding (${N} images, ${SIZE} px, ${DIM} principal axes)`,
        figures: {
          'ours seconds': +ours.seconds.toFixed(2),
          'ours images/s': Math.round(N / ours.seconds),
          'ours CPU-seconds': +ours.cpuSeconds.toFixed(2),
          'NumPy seconds': typeof ref === 'string' ? 'n/a' : +ref.seconds.toFixed(2),
          'NumPy CPU-seconds': typeof ref === 'string' ? 'n/a' : +ref.cpuSeconds.toFixed(2),
          'largest descriptor difference to NumPy (first 200 images)': maxDiff === null ? 'n/a' : +maxDiff.toExponential(2),
          'variance kept by the axes': +ours.explained.toFixed(3),
          'peak RSS MB': Math.round(ours.peakRssMb),
          'RSS at start MB': Math.round(ours.baseRssMb),
          'estimated peak RSS for 100,000 images MB': Math.round(est100k),
        },
        ...(ratio === null
          ? {}
          : { ratio: { value: ratio, goal: 1, description: 'ours / NumPy reference throughput (same images, same descriptors and projection), goal >= 1' } }),
        reference: REFERENCE,
        goal: GOAL_TEXT,
        met: ratio !== null && ratio >= 1 && est100k < 2048 && (maxDiff ?? 1) < 1e-4,
        notes: `fresh process; one thread on both sides; ${typeof ref === 'string' ? ref : `NumPy ${ref.numpy}`}; the 100,000 estimate adds the model inputs and descriptors of 90,000 more images (goal < 2 GB); ${load}.`,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const ci = argv.indexOf('--child');
  if (ci >= 0) console.log(JSON.stringify(embedChild(argv[ci + 1]!, Number(argv[ci + 2]))));
  else for (const r of await run()) console.log(JSON.stringify(r, null, 2));
}
