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
 */
import fs from 'node:fs';
import os from 'node:os';
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

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

async function runOne(kind: 'uniform' | 'clustered'): Promise<Record<string, unknown>> {
  const data = kind === 'uniform' ? uniform(N, D, 1) : clustered(N, D, 1);
  const opts = { k: K, seed: 0 };
  const mem0 = process.memoryUsage().rss;
  let t = performance.now();
  const single = furthestPointSampling(data, N, D, opts);
  const tSingle = (performance.now() - t) / 1000;
  t = performance.now();
  const par = await furthestPointSamplingParallel(data, N, D, { ...opts, threads });
  const tPar = (performance.now() - t) / 1000;
  let tPruned: number | null = null;
  let prunedSame: boolean | null = null;
  if (!skipPruned) {
    t = performance.now();
    const pr = furthestPointSamplingPruned(data, N, D, opts);
    tPruned = (performance.now() - t) / 1000;
    prunedSame = same(pr.order, single.order);
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
  streamFloor(data, 5); // warm up
  t = performance.now();
  const sink = streamFloor(data, K);
  const tFloor = (performance.now() - t) / 1000;
  const res = {
    data: kind, n: N, d: D, k: K, threads,
    singleSec: +tSingle.toFixed(3),
    parallelSec: +tPar.toFixed(3),
    prunedSec: tPruned === null ? null : +tPruned.toFixed(3),
    floorSec: +tFloor.toFixed(3),
    singleOverFloor: +(tSingle / tFloor).toFixed(2),
    parallelOverFloor: +(tPar / tFloor).toFixed(2),
    prunedOverFloor: tPruned === null ? null : +(tPruned / tFloor).toFixed(2),
    parallelStartupSec: +tStart.toFixed(3),
    nextAfterLabelMedianMs: +lat[10]!.toFixed(2),
    nextAfterLabelMaxMs: +lat[20]!.toFixed(2),
    loadAverage1m: +os.loadavg()[0]!.toFixed(2),
    parallelSamePicks: same(par.order, single.order) && par.coverageRadius.every((v, i) => v === single.coverageRadius[i]),
    prunedSamePicks: prunedSame,
    lastRadius: single.coverageRadius[K - 1],
    rssMB: Math.round(Math.max(mem0, process.memoryUsage().rss) / 2 ** 20),
    sink: Number.isFinite(sink),
  };
  console.log(
    `[${kind}] N=${N} d=${D} k=${K}: single ${res.singleSec}s, parallel(${threads}) ${res.parallelSec}s` +
      (tPruned === null ? '' : `, pruned ${res.prunedSec}s`) +
      `; floor (read N x d ${K} times) ${res.floorSec}s; ratios to floor: single ${res.singleOverFloor}x, parallel ${res.parallelOverFloor}x` +
      (tPruned === null ? '' : `, pruned ${res.prunedOverFloor}x`) +
      `; same picks: parallel ${res.parallelSamePicks}` + (prunedSame === null ? '' : `, pruned ${prunedSame}`) +
      `; worker start-up ${res.parallelStartupSec}s; next entry after one label: median ${res.nextAfterLabelMedianMs} ms, max ${res.nextAfterLabelMaxMs} ms` +
      `; rss ${res.rssMB} MB; load average ${res.loadAverage1m}`,
  );
  return res;
}

const results: Record<string, unknown>[] = [];
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`);
for (const kind of which === 'both' ? (['clustered', 'uniform'] as const) : [which as 'uniform' | 'clustered']) {
  results.push(await runOne(kind));
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ bench: 'fps-speed', node: process.version, cores: os.availableParallelism(), results }, null, 2));
