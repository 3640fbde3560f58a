/**
 * Furthest point sampling speed (issue 4, row 1): N = 100,000, d = 32,
 * k = 10,000 by default. Times the single-thread exact version, the worker-thread
 * version and the pruned version, checks they give identical picks, and
 * measures a memory-streaming floor in the same process: the time to read the
 * N x d matrix k times (a 4-accumulator sum loop over the Float32Array, i.e. the
 * least work any exact O(n k d) method must do). Prints the figures and ratios
 * and writes them as JSON with --json FILE.
 *
 * Usage: node --import tsx bench/fps-speed.ts [--n 100000] [--d 32] [--k 10000]
 *        [--threads T] [--data clustered|uniform|both] [--skip-pruned] [--json FILE]
 *        [--numpy typical|exact|none]   (default typical: runs bench/fps-numpy.py with python3)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FpsState, furthestPointSampling, furthestPointSamplingPruned } from '../src/main/selection/furthest-point-sampling.js';
import { furthestPointSamplingParallel } from '../src/main/selection/furthest-point-sampling-parallel.js';
import { mulberry32 } from '../src/shared/random.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const N = Number(arg('n', '100000'));
const D = Number(arg('d', '32'));
const K = Number(arg('k', '10000'));
const threads = Number(arg('threads', String(os.availableParallelism())));
const which = arg('data', 'both');
const skipPruned = process.argv.includes('--skip-pruned');
const jsonOut = arg('json', '');
const numpyVariant = arg('numpy', 'typical');

/** Runs the NumPy reference on the same data and first pick; null when python3/numpy is missing. */
function runNumpy(data: Float32Array, first: number): { seconds: number; cpu_seconds: number; order: number[]; numpy: string } | null {
  if (numpyVariant === 'none') return null;
  const file = path.join(os.tmpdir(), `fps-bench-${process.pid}.f32`);
  fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  try {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fps-numpy.py');
    const outText = execFileSync('python3', [script, file, String(N), String(D), String(K), String(first), '--variant', numpyVariant], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    return JSON.parse(outText) as { seconds: number; cpu_seconds: number; order: number[]; numpy: string };
  } catch (e) {
    console.log(`NumPy reference not run: ${(e as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function uniform(n: number, d: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = r();
  return a;
}

/** Gaussian mixture standing in for autoencoder embeddings: 64 clusters, long-tailed sizes and spreads. */
function clustered(n: number, d: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const C = 64;
  const centres = Array.from({ length: C }, () => Array.from({ length: d }, () => (r() - 0.5) * 8));
  const weights = Array.from({ length: C }, (_, c) => 1 / (c + 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const spread = Array.from({ length: C }, () => 0.2 + r() * 0.8);
  const a = new Float32Array(n * d);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  for (let i = 0; i < n; i++) {
    let u = r() * wsum;
    let c = 0;
    while (c < C - 1 && u > weights[c]!) { u -= weights[c]!; c++; }
    for (let j = 0; j < d; j++) a[i * d + j] = centres[c]![j]! + gauss() * spread[c]!;
  }
  return a;
}

/** Reads the whole matrix `passes` times (4 independent accumulators); returns the sum so it is not optimised away. */
function streamFloor(data: Float32Array, passes: number): number {
  let total = 0;
  const L = data.length - (data.length % 4);
  for (let p = 0; p < passes; p++) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let i = 0; i < L; i += 4) {
      a0 += data[i]!;
      a1 += data[i + 1]!;
      a2 += data[i + 2]!;
      a3 += data[i + 3]!;
    }
    total += a0 + a1 + a2 + a3;
  }
  return total;
}

/** Wall and CPU seconds of f (CPU = this process, all threads). */
function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

async function runOne(kind: 'uniform' | 'clustered'): Promise<Record<string, unknown>> {
  const data = kind === 'uniform' ? uniform(N, D, 1) : clustered(N, D, 1);
  const opts = { k: K, seed: 0 };
  const mem0 = process.memoryUsage().rss;
  const s1 = timed(() => furthestPointSampling(data, N, D, opts));
  const single = s1.value;
  const tSingle = s1.wall;
  let t = performance.now();
  const par = await furthestPointSamplingParallel(data, N, D, { ...opts, threads });
  const tPar = (performance.now() - t) / 1000;
  let tPruned: number | null = null;
  let cpuPruned: number | null = null;
  let prunedSame: boolean | null = null;
  const prunedStats = { prunedWork: 0, fellBackAt: -1 };
  if (!skipPruned) {
    const p1 = timed(() => furthestPointSamplingPruned(data, N, D, { ...opts, stats: prunedStats }));
    tPruned = p1.wall;
    cpuPruned = p1.cpu;
    prunedSame = same(p1.value.order, single.order);
  }
  // worker start-up alone (k = 2): under tsx each worker registers the TypeScript hooks first
  t = performance.now();
  await furthestPointSamplingParallel(data, N, D, { k: 2, seed: 0, threads });
  const tStart = (performance.now() - t) / 1000;
  // next queue entry after one out-of-order label (FpsState: one O(n d) pass)
  const st = new FpsState(data, N, D, { labeled: Array.from(single.order.slice(0, 100)) });
  const lat: number[] = [];
  for (let i = 0; i < 21; i++) {
    const row = single.order[200 + 37 * i]!;
    const t0 = performance.now();
    st.addCentre(row);
    st.peek();
    lat.push(performance.now() - t0);
  }
  lat.sort((a, b) => a - b);
  const np = runNumpy(data, single.order[0]!);
  let npSame: number | null = null;
  if (np) {
    npSame = 0;
    while (npSame < K && np.order[npSame] === single.order[npSame]) npSame++;
  }
  streamFloor(data, 5); // warm up
  const f1 = timed(() => streamFloor(data, K));
  const sink = f1.value;
  const tFloor = f1.wall;
  const res = {
    data: kind, n: N, d: D, k: K, threads,
    singleSec: +tSingle.toFixed(3),
    parallelSec: +tPar.toFixed(3),
    prunedSec: tPruned === null ? null : +tPruned.toFixed(3),
    floorSec: +tFloor.toFixed(3),
    cpuSec: { single: +s1.cpu.toFixed(3), pruned: cpuPruned === null ? null : +cpuPruned.toFixed(3), floor: +f1.cpu.toFixed(3), numpy: np ? +np.cpu_seconds.toFixed(3) : null },
    cpuRatios: {
      singleOverFloor: +(s1.cpu / f1.cpu).toFixed(2),
      prunedOverFloor: cpuPruned === null ? null : +(cpuPruned / f1.cpu).toFixed(2),
      numpyOverSingle: np ? +(np.cpu_seconds / s1.cpu).toFixed(2) : null,
      numpyOverPruned: np && cpuPruned !== null ? +(np.cpu_seconds / cpuPruned).toFixed(2) : null,
    },
    singleOverFloor: +(tSingle / tFloor).toFixed(2),
    parallelOverFloor: +(tPar / tFloor).toFixed(2),
    prunedOverFloor: tPruned === null ? null : +(tPruned / tFloor).toFixed(2),
    parallelStartupSec: +tStart.toFixed(3),
    numpy: np ? { variant: numpyVariant, version: np.numpy, sec: +np.seconds.toFixed(3), samePicks: npSame === K, firstDifferentPick: npSame === K ? null : npSame, singleSpeedup: +(np.seconds / tSingle).toFixed(2), parallelSpeedup: +(np.seconds / tPar).toFixed(2), prunedSpeedup: tPruned === null ? null : +(np.seconds / tPruned).toFixed(2) } : null,
    nextAfterLabelMedianMs: +lat[10]!.toFixed(2),
    nextAfterLabelMaxMs: +lat[20]!.toFixed(2),
    loadAverage1m: +os.loadavg()[0]!.toFixed(2),
    parallelSamePicks: same(par.order, single.order) && par.coverageRadius.every((v, i) => v === single.coverageRadius[i]),
    prunedSamePicks: prunedSame,
    prunedRowsTouchedShare: tPruned === null ? null : +(prunedStats.prunedWork / (N * (prunedStats.fellBackAt < 0 ? K : prunedStats.fellBackAt))).toFixed(3),
    prunedFellBackAt: tPruned === null ? null : prunedStats.fellBackAt,
    lastRadius: single.coverageRadius[K - 1],
    rssMB: Math.round(Math.max(mem0, process.memoryUsage().rss) / 2 ** 20),
    sink: Number.isFinite(sink),
  };
  console.log(
    `[${kind}] N=${N} d=${D} k=${K}: single ${res.singleSec}s, parallel(${threads}) ${res.parallelSec}s` +
      (tPruned === null ? '' : `, pruned ${res.prunedSec}s (touched ${res.prunedRowsTouchedShare} of rows per pick, fell back at ${res.prunedFellBackAt})`) +
      `; floor (read N x d ${K} times) ${res.floorSec}s; ratios to floor: single ${res.singleOverFloor}x, parallel ${res.parallelOverFloor}x` +
      (tPruned === null ? '' : `, pruned ${res.prunedOverFloor}x`) +
      `; same picks: parallel ${res.parallelSamePicks}` + (prunedSame === null ? '' : `, pruned ${prunedSame}`) +
      `; worker start-up ${res.parallelStartupSec}s; next entry after one label: median ${res.nextAfterLabelMedianMs} ms, max ${res.nextAfterLabelMaxMs} ms` +
      `; rss ${res.rssMB} MB; load average ${res.loadAverage1m}` +
      `\n  CPU seconds (robust to other load): single ${res.cpuSec.single}, pruned ${res.cpuSec.pruned}, floor ${res.cpuSec.floor}, numpy ${res.cpuSec.numpy}; ` +
      `single/floor ${res.cpuRatios.singleOverFloor}x, pruned/floor ${res.cpuRatios.prunedOverFloor}x, numpy/single ${res.cpuRatios.numpyOverSingle}x, numpy/pruned ${res.cpuRatios.numpyOverPruned}x` +
      (res.numpy ? `\n  NumPy ${res.numpy.version} (${res.numpy.variant}) ${res.numpy.sec}s: same picks ${res.numpy.samePicks}${res.numpy.samePicks ? '' : ` (first ${res.numpy.firstDifferentPick} equal)`}; speed-up single ${res.numpy.singleSpeedup}x, parallel ${res.numpy.parallelSpeedup}x, pruned ${res.numpy.prunedSpeedup}x` : ''),
  );
  return res;
}

const results: Record<string, unknown>[] = [];
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`);
for (const kind of which === 'both' ? (['clustered', 'uniform'] as const) : [which as 'uniform' | 'clustered']) {
  results.push(await runOne(kind));
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ bench: 'fps-speed', node: process.version, cores: os.availableParallelism(), results }, null, 2));
