/**
 * Furthest point sampling speed (rows "furthest point sampling, exact"
 * and "furthest point sampling, large"). On the same data in the same process:
 * - ours: single-thread exact (furthestPointSampling), worker threads
 *   (furthestPointSamplingParallel, what selectOrderAsync uses), both with the
 *   kernel this runtime picks (wasm SIMD, else JS; the row says which ran), the
 *   same on worker threads with the JS kernel, and the pruned variant (JS); all
 *   must give identical picks;
 * - a SIMD streaming floor: the time to read the N x d matrix k times with the
 *   kernel's own f32x4 loads over its wasm memory layout (one thread; the
 *   `stream` export of fps-simd.wat), against which the single-thread SIMD run is
 *   compared (goal <= 1.5x; the kernel stops a block's sum early, so it can beat it);
 * - the NumPy reference (bench/fps-numpy.py, the common k-center greedy update
 *   in float32). Its float32 rounding can flip a near-tie after thousands of
 *   picks; the bench reports the first differing pick and checks that it is a
 *   float32 near-tie (relative gap of the two candidates' float64 keys < 1e-5).
 * Wall and CPU seconds are both reported: on a shared machine CPU seconds are
 * the robust figure for the single-thread paths.
 *
 * `npm run bench -- fps` calls run(). Direct use:
 *   node --import tsx bench/fps-speed.ts [--n 100000] [--d 32] [--k 10000] [--threads T]
 *     [--data clustered|uniform|both] [--skip-pruned] [--numpy typical|exact|none]
 *     [--numpy-picks P] [--floor-passes P] [--json FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FpsState, furthestPointSampling, furthestPointSamplingPruned } from '../src/main/selection/furthest-point-sampling.js';
import { furthestPointSamplingParallel } from '../src/main/selection/furthest-point-sampling-parallel.js';
import { createSimdMemory, SimdKernel, simdLayout, wasmSimdAvailable } from '../src/main/selection/fps-simd.js';
import { mulberry32 } from '../src/shared/random.js';
import type { BenchResult } from './bench-types.js';

type Kind = 'uniform' | 'clustered';
interface FpsBenchOptions {
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly threads: number;
  readonly pruned: boolean;
  readonly numpy: 'typical' | 'exact' | 'none';
  /** NumPy picks to run (default k); its time is scaled by k / numpyPicks (its per-pick cost is constant). */
  readonly numpyPicks?: number;
  /** Passes the SIMD floor runs (default k); its time is scaled by k / floorPasses. */
  readonly floorPasses?: number;
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
    while (c < C - 1 && u > weights[c]!) {
      u -= weights[c]!;
      c++;
    }
    for (let j = 0; j < d; j++) a[i * d + j] = centres[c]![j]! + gauss() * spread[c]!;
  }
  return a;
}

/** The SIMD floor: the rows in the kernel's wasm layout, read `passes` times with its f32x4 loads (null without wasm SIMD). */
function simdFloor(data: Float32Array, n: number, d: number): ((passes: number) => number) | null {
  const layout = wasmSimdAvailable() ? simdLayout(n, d, 1) : null;
  if (!layout) return null;
  const sk = new SimdKernel(createSimdMemory(data, layout), layout, 0);
  return (passes) => sk.stream(0, layout.npad, passes);
}

/** Wall and CPU seconds of f (CPU = this process, all threads). */
async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

interface NumpyOut {
  seconds: number;
  cpu_seconds: number;
  order: number[];
  numpy: string;
}

/** Runs bench/fps-numpy.py on the same data and first pick; null (with the reason) when python3/numpy is missing. */
function runNumpy(data: Float32Array, o: FpsBenchOptions, picks: number, first: number): NumpyOut | string {
  const file = path.join(os.tmpdir(), `fps-bench-${process.pid}.f32`);
  fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  try {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fps-numpy.py');
    const outText = execFileSync('python3', [script, file, String(o.n), String(o.d), String(picks), String(first), '--variant', o.numpy], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(outText) as NumpyOut;
  } catch (e) {
    return `NumPy reference not run: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** float64 key (squared distance to the nearest of centres) of row x. */
function key(data: Float32Array, d: number, x: number, centres: ArrayLike<number>, count: number): number {
  let m = Infinity;
  for (let c = 0; c < count; c++) {
    const oc = centres[c]! * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[x * d + j]! - data[oc + j]!;
      s += t * t;
    }
    if (s < m) m = s;
  }
  return m;
}

export async function measure(kind: Kind, o: FpsBenchOptions): Promise<Record<string, unknown>> {
  const { n: N, d: D, k: K } = o;
  const data = kind === 'uniform' ? uniform(N, D, 1) : clustered(N, D, 1);
  const opts = { k: K, seed: 0 };
  const single = await timed(() => furthestPointSampling(data, N, D, opts));
  const par = await timed(() => furthestPointSamplingParallel(data, N, D, { ...opts, threads: o.threads }));
  const jsPar = await timed(() => furthestPointSamplingParallel(data, N, D, { ...opts, threads: o.threads, kernel: 'js' }));
  const startup = await timed(() => furthestPointSamplingParallel(data, N, D, { k: 2, seed: 0, threads: o.threads }));
  let pruned: { wall: number; cpu: number; same: boolean; touched: number; fellBackAt: number } | null = null;
  if (o.pruned) {
    const stats = { prunedWork: 0, fellBackAt: -1 };
    const pr = await timed(() => furthestPointSamplingPruned(data, N, D, { ...opts, stats }));
    pruned = {
      wall: pr.wall,
      cpu: pr.cpu,
      same: same(pr.value.order, single.value.order) && pr.value.coverageRadius.every((v, i) => v === single.value.coverageRadius[i]),
      touched: stats.prunedWork / (N * (stats.fellBackAt < 0 ? K : stats.fellBackAt)),
      fellBackAt: stats.fellBackAt,
    };
  }
  // next queue entry after one out-of-order label
  const st = new FpsState(data, N, D, { labeled: Array.from(single.value.order.slice(0, 100)) });
  const lat: number[] = [];
  for (let i = 0; i < 21; i++) {
    const row = single.value.order[Math.min(K - 1, 200 + 37 * i)]!;
    const t0 = performance.now();
    st.addCentre(row);
    st.peek();
    lat.push(performance.now() - t0);
  }
  lat.sort((a, b) => a - b);
  const rss = process.memoryUsage().rss;
  // the floor reads the matrix `floorPasses` times (its cost per pass is constant), scaled to k
  const stream = simdFloor(data, N, D);
  const floorPasses = Math.min(K, o.floorPasses ?? K);
  stream?.(3); // warm up (and tier up)
  const floorRun = stream ? await timed(() => stream(floorPasses)) : null;
  const floor = floorRun ? { wall: (floorRun.wall * K) / floorPasses, cpu: (floorRun.cpu * K) / floorPasses, value: floorRun.value } : null;

  let numpy: Record<string, unknown> | null = null;
  if (o.numpy !== 'none') {
    const picks = Math.min(K, o.numpyPicks ?? K);
    const np = runNumpy(data, o, picks, single.value.order[0]!);
    if (typeof np === 'string') numpy = { error: np };
    else {
      const scale = K / picks;
      let eq = 0;
      while (eq < picks && np.order[eq] === single.value.order[eq]) eq++;
      let nearTieGap: number | null = null;
      if (eq < picks) {
        const ours = key(data, D, single.value.order[eq]!, single.value.order, eq);
        const theirs = key(data, D, np.order[eq]!, single.value.order, eq);
        nearTieGap = (ours - theirs) / ours;
      }
      const sec = np.seconds * scale;
      numpy = {
        variant: o.numpy,
        version: np.numpy,
        picksRun: picks,
        sec: +sec.toFixed(3),
        cpuSec: +(np.cpu_seconds * scale).toFixed(3),
        samePicks: eq === picks,
        equalPicks: eq,
        firstDifferenceRelativeGap: nearTieGap,
        differenceIsFloat32NearTie: nearTieGap === null ? null : nearTieGap >= 0 && nearTieGap < 1e-5,
        overSingle: +(sec / single.wall).toFixed(2),
        overParallel: +(sec / par.wall).toFixed(2),
        cpuOverSingle: +((np.cpu_seconds * scale) / single.cpu).toFixed(2),
        overPruned: pruned ? +(sec / pruned.wall).toFixed(2) : null,
      };
    }
  }
  const sameAll = (r: { order: Int32Array; coverageRadius: Float64Array }): boolean =>
    same(r.order, single.value.order) && r.coverageRadius.every((v, i) => v === single.value.coverageRadius[i]);
  return {
    data: kind,
    n: N,
    d: D,
    k: K,
    threads: o.threads,
    kernel: single.value.kernel ?? 'js',
    parallelKernel: par.value.kernel ?? 'js',
    singleSec: +single.wall.toFixed(3),
    singleCpuSec: +single.cpu.toFixed(3),
    parallelSec: +par.wall.toFixed(3),
    parallelCpuSec: +par.cpu.toFixed(3),
    parallelStartupSec: +startup.wall.toFixed(3),
    jsParallelSec: +jsPar.wall.toFixed(3),
    jsParallelCpuSec: +jsPar.cpu.toFixed(3),
    jsOverParallel: +(jsPar.wall / par.wall).toFixed(2),
    prunedSec: pruned ? +pruned.wall.toFixed(3) : null,
    prunedCpuSec: pruned ? +pruned.cpu.toFixed(3) : null,
    prunedRowsTouchedShare: pruned ? +pruned.touched.toFixed(3) : null,
    prunedFellBackAt: pruned ? pruned.fellBackAt : null,
    simdFloorSec: floor ? +floor.wall.toFixed(3) : null,
    simdFloorCpuSec: floor ? +floor.cpu.toFixed(3) : null,
    simdFloorPasses: floor ? floorPasses : null,
    singleOverFloor: floor ? +(single.wall / floor.wall).toFixed(2) : null,
    singleCpuOverFloorCpu: floor ? +(single.cpu / floor.cpu).toFixed(2) : null,
    parallelSamePicks: sameAll(par.value),
    jsParallelSamePicks: sameAll(jsPar.value),
    prunedSamePicks: pruned ? pruned.same : null,
    nextAfterLabelMedianMs: +lat[10]!.toFixed(2),
    nextAfterLabelMaxMs: +lat[20]!.toFixed(2),
    rssMB: Math.round(rss / 2 ** 20),
    dataMB: Math.round(data.byteLength / 2 ** 20),
    loadAverage1m: +os.loadavg()[0]!.toFixed(2),
    numpy,
    floorSink: floor ? Number.isFinite(floor.value) : null,
  };
}

function describe(r: Record<string, unknown>): string {
  const np = r.numpy as Record<string, unknown> | null;
  return (
    `[${r.data}] N=${r.n} d=${r.d} k=${r.k}, kernel ${r.kernel}: single ${r.singleSec}s (cpu ${r.singleCpuSec}s), parallel(${r.threads}, ${r.parallelKernel}) ${r.parallelSec}s (cpu, all threads ${r.parallelCpuSec}s) ` +
    `(worker start-up ${r.parallelStartupSec}s); JS kernel parallel(${r.threads}) ${r.jsParallelSec}s (cpu ${r.jsParallelCpuSec}s, ${r.jsOverParallel}x ours)` +
    (r.prunedSec === null
      ? ''
      : `, pruned ${r.prunedSec}s (cpu ${r.prunedCpuSec}s, touched ${r.prunedRowsTouchedShare} of rows per pick, fell back at ${r.prunedFellBackAt})`) +
    (r.simdFloorSec === null
      ? '\n  no SIMD floor (no wasm SIMD here)'
      : `\n  SIMD floor (read N x d k times, f32x4, 1 thread${r.simdFloorPasses !== r.k ? `, scaled from ${r.simdFloorPasses} passes` : ''}) ${r.simdFloorSec}s (cpu ${r.simdFloorCpuSec}s); single / floor ${r.singleOverFloor}x (cpu ${r.singleCpuOverFloorCpu}x)`) +
    `\n  same picks: parallel ${r.parallelSamePicks}, JS kernel ${r.jsParallelSamePicks}${r.prunedSamePicks === null ? '' : `, pruned ${r.prunedSamePicks}`}; next entry after one label: median ${r.nextAfterLabelMedianMs} ms, max ${r.nextAfterLabelMaxMs} ms; rss ${r.rssMB} MB (data ${r.dataMB} MB); load average ${r.loadAverage1m}` +
    (np === null
      ? ''
      : np.error
        ? `\n  ${np.error}`
        : `\n  NumPy ${np.version} (${np.variant}, ${np.picksRun} picks run) ${np.sec}s (cpu ${np.cpuSec}s): same picks ${np.samePicks}` +
          (np.samePicks
            ? ''
            : ` (first ${np.equalPicks} equal; then a float32 near-tie: ${np.differenceIsFloat32NearTie}, relative key gap ${np.firstDifferenceRelativeGap})`) +
          `; NumPy / ours: single ${np.overSingle}x (cpu ${np.cpuOverSingle}x), parallel ${np.overParallel}x${np.overPruned === null ? '' : `, pruned ${np.overPruned}x`}`)
  );
}

function toResult(name: string, r: Record<string, unknown>): BenchResult {
  const np = r.numpy as Record<string, unknown> | null;
  const figures: Record<string, number | string> = {};
  for (const [key, v] of Object.entries(r))
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') figures[key] = typeof v === 'boolean' ? String(v) : v;
  if (np) for (const [key, v] of Object.entries(np)) if (v !== null) figures[`numpy ${key}`] = typeof v === 'number' || typeof v === 'string' ? v : String(v);
  const exactOk =
    r.parallelSamePicks === true &&
    r.jsParallelSamePicks === true &&
    r.prunedSamePicks !== false &&
    (np === null || np.samePicks === true || np.differenceIsFloat32NearTie === true);
  const speedup = np && typeof np.overParallel === 'number' ? np.overParallel : null;
  // wall on a shared machine swings with the load; CPU seconds of the same thread count are the steadier ratio
  const best = r.singleCpuOverFloorCpu === null ? Infinity : Number(r.singleCpuOverFloorCpu);
  return {
    name,
    figures,
    ...(speedup !== null ? { ratio: { value: speedup, goal: 5, description: 'NumPy time / ours (worker threads), same picks; goal >= 5' } } : {}),
    reference:
      'NumPy k-center greedy in float32 (bench/fps-numpy.py), same data; and a SIMD streaming floor: the same f32x4 loads over the data once per pick, summed, no distance work',
    goal: 'NumPy / ours >= 5 with the same picks; ours / SIMD streaming floor <= 1.5 (CPU seconds, one thread)',
    met: exactOk && speedup !== null && speedup >= 5 && best <= 1.5,
    notes:
      `kernel ${r.kernel} (worker threads: ${r.parallelKernel}); single-thread ours / SIMD streaming floor = ${r.singleOverFloor}x wall, ${r.singleCpuOverFloorCpu}x CPU (goal <= 1.5); load average ${r.loadAverage1m} on ${os.availableParallelism()} cores (wall times on a shared machine are noisy; CPU seconds are in the figures). ` +
      (exactOk ? 'Picks identical across our variants' : 'PICKS DIFFER') +
      (np && np.samePicks === false
        ? `; NumPy float32 first differs at pick ${np.equalPicks}, a float32 near-tie (relative key gap ${np.firstDifferenceRelativeGap})`
        : '') +
      (np && np.picksRun !== r.k ? `; NumPy ran ${np.picksRun} of ${r.k} picks, time scaled linearly` : ''),
  };
}

/** Entry for bench/run.ts: the 100k x 32 x 10k row on clustered and uniform data, and the 1M x 64 x 1k row. */
export async function run(): Promise<BenchResult[]> {
  const threads = os.availableParallelism();
  const out: BenchResult[] = [];
  for (const kind of ['clustered', 'uniform'] as const) {
    const r = await measure(kind, { n: 100_000, d: 32, k: 10_000, threads, pruned: true, numpy: 'typical' });
    console.log(describe(r));
    out.push(toResult(`furthest point sampling, exact, N=100,000 d=32 k=10,000, ${kind} data`, r));
  }
  const big = await measure('clustered', { n: 1_000_000, d: 64, k: 1_000, threads, pruned: false, numpy: 'typical', numpyPicks: 100, floorPasses: 200 });
  console.log(describe(big));
  out.push(toResult('furthest point sampling, large, N=1,000,000 d=64 k=1,000, clustered data', big));
  return out;
}

async function cli(): Promise<void> {
  const arg = (name: string, def: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
  };
  const o: FpsBenchOptions = {
    n: Number(arg('n', '100000')),
    d: Number(arg('d', '32')),
    k: Number(arg('k', '10000')),
    threads: Number(arg('threads', String(os.availableParallelism()))),
    pruned: !process.argv.includes('--skip-pruned'),
    numpy: arg('numpy', 'typical') as FpsBenchOptions['numpy'],
    numpyPicks: Number(arg('numpy-picks', arg('k', '10000'))),
    floorPasses: Number(arg('floor-passes', arg('k', '10000'))),
  };
  const which = arg('data', 'both');
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.availableParallelism()}`);
  const results: Record<string, unknown>[] = [];
  for (const kind of which === 'both' ? (['clustered', 'uniform'] as const) : [which as Kind]) {
    const r = await measure(kind, o);
    console.log(describe(r));
    results.push(r);
  }
  const jsonOut = arg('json', '');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ bench: 'fps-speed', node: process.version, cores: os.availableParallelism(), results }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await cli();
