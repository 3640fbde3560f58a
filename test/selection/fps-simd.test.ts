import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import wabtInit from 'wabt';
import { furthestPointSampling, type FpsResult } from '../../src/main/selection/furthest-point-sampling.js';
import { furthestPointSamplingParallel } from '../../src/main/selection/furthest-point-sampling-parallel.js';
import { detectWasmSimd, resetWasmSimdDetection, wasmSimdAvailable } from '../../src/main/selection/fps-simd.js';
import { FPS_SIMD_WASM_BASE64 } from '../../src/main/selection/fps-simd-wasm.js';
import { mulberry32 } from '../../src/shared/random.js';
import { bruteForceFps, lcg, randomData, tiedData } from './helpers.js';

const firstFor = (n: number, seed: number): number => Math.floor(mulberry32(seed)() * n);

/** Gaussian-ish clusters (sum of 4 uniforms) of different spreads around random centres. */
function clusteredData(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const C = 7;
  const centres = Array.from({ length: C }, () => Array.from({ length: d }, () => (r() - 0.5) * 10));
  const spread = Array.from({ length: C }, (_, c) => 0.05 + 0.1 * c);
  const a = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * r() * C); // long-tailed sizes
    for (let j = 0; j < d; j++) a[i * d + j] = centres[c]![j]! + (r() + r() + r() + r() - 2) * spread[c]!;
  }
  return a;
}

/** Few distinct rows, each repeated many times: most keys become exactly 0. */
function duplicateHeavy(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const distinct = Array.from({ length: 9 }, () => Array.from({ length: d }, () => r() * 4 - 2));
  const a = new Float32Array(n * d);
  for (let i = 0; i < n; i++) a.set(distinct[Math.floor(r() * 9)]!, i * d);
  return a;
}

/**
 * Rows on a sphere of radius 1000 around row 0 (label row 0): every key starts
 * within float32 rounding of 1e6, the float64 keys differing in the last bits of
 * a float32, so float32 sums of these distances order them differently from
 * float64 ones and picks made from float32 keys differ from the float64 reference.
 */
function nearTies(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  for (let i = 1; i < n; i++) {
    const v = Array.from({ length: d }, () => r() - 0.5);
    const norm = Math.hypot(...v);
    for (let j = 0; j < d; j++) a[i * d + j] = 1000 + (1000 * v[j]!) / norm;
  }
  a.fill(1000, 0, d);
  return a;
}

/**
 * Rows 0 and 1 at (-1, 0, ...) and (1, 0, ...) (label both), the others just
 * off their bisector, slightly nearer row 1, with coordinates up to 1000: the
 * float32 sums against row 1 often round above the float64 key against row 0,
 * though the float64 distance to row 1 is smaller. A float32 filter without
 * its margin keeps those keys and gets radii (and picks) wrong.
 */
function bisector(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  a[0] = -1;
  a[d] = 1;
  for (let i = 2; i < n; i++) {
    a[i * d] = r() * 1e-2;
    for (let j = 1; j < d; j++) a[i * d + j] = (r() - 0.5) * 2000;
  }
  return a;
}

/** Magnitudes at the ends of float32: squared differences overflow (~1e19) or underflow (~1e-24) in float32. */
function extremeScales(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const scale = i % 3 === 0 ? 1e19 : i % 3 === 1 ? 1e-24 : 1;
    for (let j = 0; j < d; j++) a[i * d + j] = (r() - 0.5) * scale;
  }
  return a;
}

/**
 * Small spreads far from the origin (coordinates 3e4 +- 0.5): |x|^2 + |c|^2 - 2 x.c
 * would cancel almost entirely in float32, so the kernel sums squared differences
 * here (the other cases run its x.c form).
 */
function farOffset(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = 3e4 + r() - 0.5;
  return a;
}

function pickLabels(n: number, count: number, seed: number): number[] {
  const r = lcg(seed);
  const s = new Set<number>();
  while (s.size < count) s.add(Math.floor(r() * n));
  return [...s];
}

const expectSame = (got: FpsResult, ref: { order: number[]; radius: number[] }): void => {
  expect(Array.from(got.order)).toEqual(ref.order);
  expect(Array.from(got.coverageRadius)).toEqual(ref.radius);
};

type Gen = (n: number, d: number, seed: number) => Float32Array;
const cases: { name: string; gen: Gen; n: number; d: number; labels: number; k?: number; threads?: number; fixedLabels?: number[] }[] = [
  { name: 'n < 4', gen: randomData, n: 1, d: 3, labels: 0 },
  { name: 'n < 4', gen: randomData, n: 2, d: 1, labels: 0 },
  { name: 'n < 4, labeled', gen: randomData, n: 3, d: 5, labels: 1 },
  { name: 'uniform', gen: randomData, n: 203, d: 32, labels: 0, k: 120, threads: 3 },
  { name: 'uniform, d = 7', gen: randomData, n: 150, d: 7, labels: 4 },
  { name: 'uniform, d = 33', gen: randomData, n: 97, d: 33, labels: 0 },
  { name: 'clustered', gen: clusteredData, n: 300, d: 16, labels: 0, k: 150 },
  { name: 'clustered, labeled seeds, d = 13', gen: clusteredData, n: 257, d: 13, labels: 9, k: 100, threads: 3 },
  { name: 'duplicate-heavy', gen: duplicateHeavy, n: 130, d: 6, labels: 0, threads: 2 },
  { name: 'duplicate-heavy, labeled seeds', gen: duplicateHeavy, n: 90, d: 12, labels: 5 },
  { name: 'ties on a grid', gen: tiedData, n: 90, d: 4, labels: 0, threads: 2 },
  { name: 'ties on a grid, labeled seeds, d = 2', gen: tiedData, n: 90, d: 2, labels: 6 },
  { name: 'float32 near-ties', gen: nearTies, n: 160, d: 24, labels: 1, fixedLabels: [0], k: 80 },
  { name: 'just off the bisector of two labels', gen: bisector, n: 200, d: 16, labels: 2, fixedLabels: [0, 1], k: 40, threads: 2 },
  { name: 'just off the bisector of two labels, d = 11', gen: bisector, n: 150, d: 11, labels: 2, fixedLabels: [0, 1], k: 40 },
  { name: 'float32 overflow and underflow', gen: extremeScales, n: 120, d: 9, labels: 2 },
  { name: 'far from the origin', gen: farOffset, n: 140, d: 20, labels: 3, k: 90, threads: 2 },
  { name: 'clustered, d = 64', gen: clusteredData, n: 260, d: 64, labels: 0, k: 120 },
];

describe('furthest point sampling, wasm SIMD kernel', () => {
  it('is available on this runtime (Node >= 20 has WebAssembly SIMD and shared memory)', () => {
    expect(detectWasmSimd()).toBe(true);
    expect(wasmSimdAvailable()).toBe(true);
  });

  for (const c of cases) {
    it(`${c.name}: n=${c.n} d=${c.d} labels=${c.labels}: same picks and radii as the JS kernel and the float64 brute force`, async () => {
      const seed = c.n + c.d + c.labels;
      const data = c.gen(c.n, c.d, seed);
      const labeled = c.fixedLabels ?? pickLabels(c.n, c.labels, seed + 1);
      const k = c.k ?? c.n - c.labels;
      const ref = bruteForceFps(data, c.n, c.d, labeled, k, firstFor(c.n, seed));
      const opts = { labeled, k, seed };
      const simd = furthestPointSampling(data, c.n, c.d, { ...opts, kernel: 'wasm-simd' });
      expect(simd.kernel).toBe('wasm-simd');
      expectSame(simd, ref);
      const js = furthestPointSampling(data, c.n, c.d, { ...opts, kernel: 'js' });
      expect(js.kernel).toBe('js');
      expectSame(js, ref);
      expect(furthestPointSampling(data, c.n, c.d, opts).kernel).toBe('wasm-simd'); // the default
      if (c.threads) {
        const par = await furthestPointSamplingParallel(data, c.n, c.d, { ...opts, threads: c.threads });
        expect(par.kernel).toBe('wasm-simd');
        expectSame(par, ref);
      }
    });
  }

  it('float32 sums would not do on the near-tie data: the margin matters', () => {
    // the same data picked by float32 keys (Math.fround after every operation) departs from the float64 reference
    const n = 160,
      d = 24,
      seed = 185;
    const data = nearTies(n, d, seed);
    const f = Math.fround;
    const key32 = (a: number, b: number): number => {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = f(data[a * d + j]! - data[b * d + j]!);
        s = f(s + f(t * t));
      }
      return s;
    };
    const chosen = [0]; // the label
    const mind = Array.from({ length: n }, (_, x) => key32(x, 0));
    mind[0] = -1;
    while (chosen.length < 81) {
      let bi = 0;
      for (let x = 1; x < n; x++) if (mind[x]! > mind[bi]!) bi = x;
      chosen.push(bi);
      for (let x = 0; x < n; x++) if (mind[x]! >= 0) mind[x] = Math.min(mind[x]!, key32(x, bi));
      mind[bi] = -1;
    }
    const ref = bruteForceFps(data, n, d, [0], 80, -1);
    expect(chosen.slice(1)).not.toEqual(ref.order);
    expectSame(furthestPointSampling(data, n, d, { labeled: [0], k: 80, seed, kernel: 'wasm-simd' }), ref);
  });

  it('the committed module bytes are fps-simd.wat assembled', async () => {
    const wabt = await wabtInit();
    const wat = fs.readFileSync(new URL('../../src/main/selection/fps-simd.wat', import.meta.url), 'utf8');
    const mod = wabt.parseWat('fps-simd.wat', wat, { simd: true, threads: true });
    try {
      const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
      expect(Buffer.from(buffer).equals(Buffer.from(FPS_SIMD_WASM_BASE64, 'base64'))).toBe(true);
    } finally {
      mod.destroy();
    }
  });
});

describe('furthest point sampling without wasm SIMD (fallback)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    resetWasmSimdDetection();
  });

  it('detects a runtime that rejects SIMD modules and runs the JS kernel with the same picks', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    resetWasmSimdDetection();
    expect(detectWasmSimd()).toBe(false);
    const n = 140,
      d = 10,
      seed = 3;
    const data = clusteredData(n, d, seed);
    const labeled = [4, 77];
    const ref = bruteForceFps(data, n, d, labeled, 60, -1);
    const single = furthestPointSampling(data, n, d, { labeled, k: 60, seed });
    expect(single.kernel).toBe('js');
    expectSame(single, ref);
    const par = await furthestPointSamplingParallel(data, n, d, { labeled, k: 60, seed, threads: 2 });
    expect(par.kernel).toBe('js');
    expectSame(par, ref);
    expect(() => furthestPointSampling(data, n, d, { k: 5, kernel: 'wasm-simd' })).toThrow(/not available/);
  });

  it('detects a runtime without shared wasm memory', () => {
    vi.spyOn(WebAssembly, 'Memory').mockImplementation(() => {
      throw new TypeError('shared memory is not supported');
    });
    expect(detectWasmSimd()).toBe(false);
  });
});
