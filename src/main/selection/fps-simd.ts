/**
 * Host side of the WebAssembly SIMD furthest point sampling kernel
 * (fps-simd.wat; how it stays exact is explained there). The rows are copied
 * once into a shared wasm memory in blocks of 4 rows (column-interleaved, so
 * one f32x4 holds one column of 4 rows); every thread instantiates the module
 * on that memory and updates its own range of rows. The keys it keeps are the
 * JS kernel's (fps-kernel.ts) to the bit, so the picks and radii are identical.
 *
 * Where WebAssembly SIMD or shared wasm memory is missing (detected once per
 * thread by validating a tiny SIMD module), the callers use the JS kernel.
 */
import { AppError } from '../../shared/errors.js';
import { FPS_SIMD_WASM_BASE64 } from './fps-simd-wasm.js';

/** Which kernel computed an order: WebAssembly SIMD or the JS fallback. */
export type FpsKernel = 'wasm-simd' | 'js';
/** 'auto': wasm SIMD when this runtime has it, else JS. */
export type FpsKernelChoice = 'auto' | FpsKernel;

/** Rows per chunk of the per-chunk maxima (the wasm module's constant). */
export const SIMD_CHUNK = 64;
const PAGE = 65536;
const MAX_PAGES = 65536;

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt drop i32.const 0 i8x16.splat))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** The part of the WebAssembly JS API used here (lib "ES2022" without DOM has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum: number; shared: true }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
/** This runtime's WebAssembly, if any (looked up at call time, so tests can simulate a runtime without it). */
const wasmApi = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let bytes: Uint8Array | undefined;
function moduleBytes(): Uint8Array {
  if (!bytes) {
    const bin = atob(FPS_SIMD_WASM_BASE64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  }
  return bytes;
}

/** True when this runtime runs wasm SIMD with shared memory (a fresh check, not cached). */
export function detectWasmSimd(): boolean {
  try {
    const wa = wasmApi();
    if (!wa || !wa.validate(SIMD_PROBE)) return false;
    new wa.Memory({ initial: 1, maximum: 1, shared: true });
    return wa.validate(moduleBytes());
  } catch {
    return false;
  }
}

let available: boolean | undefined;
/** detectWasmSimd(), checked once per thread. */
export function wasmSimdAvailable(): boolean {
  return (available ??= detectWasmSimd());
}
/** Forgets the cached detection (tests that simulate a runtime without SIMD). */
export function resetWasmSimdDetection(): void {
  available = undefined;
}

/** Byte offsets of the kernel's arrays in wasm memory (see fps-simd.wat). */
export interface SimdLayout {
  readonly n: number;
  readonly d: number;
  /** d rounded up to a multiple of 8 (zero columns: exact in both sums). */
  readonly dp: number;
  /** n rounded up to a multiple of 4; rows n..npad-1 are padding with key -1. */
  readonly npad: number;
  readonly data: number;
  readonly mind: number;
  readonly thr: number;
  readonly cmax: number;
  /** float32 per row: its squared norm (the float64 sum rounded), for the float32 filter's x.c form. */
  readonly norm: number;
  /** One 16-byte result slot per thread. */
  readonly out: number;
  /** int32 set by createSimdMemory: 1 when the filter sums squared differences instead of the x.c form. */
  readonly flags: number;
  readonly pages: number;
  /** 1 + the relative margin of the float32 filter. */
  readonly rel: number;
  /** Absolute margin (float32 underflow). */
  readonly abs: number;
}

/** The memory layout for n x d rows and `slots` threads; null when it exceeds 4 GiB of wasm memory. */
export function simdLayout(n: number, d: number, slots: number): SimdLayout | null {
  const dp = Math.max(8, Math.ceil(d / 8) * 8);
  const npad = Math.max(4, Math.ceil(n / 4) * 4);
  const data = 0;
  const mind = data + npad * dp * 4;
  const thr = mind + npad * 8;
  const norm = thr + npad * 4;
  const cmax = norm + npad * 4;
  const out = Math.ceil((cmax + Math.ceil(npad / SIMD_CHUNK) * 4) / 16) * 16;
  const flags = out + 16 * Math.max(1, slots);
  const end = flags + 16;
  const pages = Math.ceil(end / PAGE);
  if (pages > MAX_PAGES) return null;
  // float32 sums carry at most (d/4 + 5) * 2^-24 relative error (fps-simd.wat); the margin is several times that
  const rel = 1 + (dp + 16) * 2 ** -24;
  const abs = (dp + 2) * 2 ** -149;
  return { n, d, dp, npad, data, mind, thr, norm, cmax, out, flags, pages, rel, abs };
}

/** The kernel to run for this input: 'js' when asked, or when wasm SIMD is missing or the data does not fit. */
export function chooseFpsKernel(choice: FpsKernelChoice | undefined, n: number, d: number, slots: number): FpsKernel {
  if (choice === 'js') return 'js';
  const fits = d > 0 && n > 0 && simdLayout(n, d, slots) !== null;
  const ok = fits && wasmSimdAvailable();
  if (choice === 'wasm-simd' && !ok) {
    throw new AppError(
      'invalid-argument',
      `kernel 'wasm-simd' is not available here (${fits ? 'this runtime lacks WebAssembly SIMD or shared memory' : `n = ${n}, d = ${d} does not fit in 4 GiB of wasm memory`}); use kernel 'auto'`,
    );
  }
  return ok ? 'wasm-simd' : 'js';
}

/**
 * Shared wasm memory holding the rows (blocks of 4) and the keys: every key
 * Infinity (no centre yet), padding rows -1. Call setKey(r, -1) for labeled rows.
 */
export function createSimdMemory(data: Float32Array, layout: SimdLayout): WasmMemory {
  const { n, d, dp, npad } = layout;
  const memory = new (wasmApi()!.Memory)({ initial: layout.pages, maximum: layout.pages, shared: true });
  const f = new Float32Array(memory.buffer, layout.data, npad * dp);
  const norm = new Float32Array(memory.buffer, layout.norm, npad);
  const mean = new Float64Array(d);
  let normSum = 0;
  for (let r = 0; r < n; r++) {
    const o = (r >> 2) * dp * 4 + (r & 3);
    const src = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = data[src + j]!;
      f[o + 4 * j] = v;
      s += v * v;
      mean[j] = mean[j]! + v;
    }
    norm[r] = s;
    normSum += s;
  }
  // The x.c filter's margin grows with |x|^2 + |c|^2: when the rows sit far from the
  // origin relative to their spread (mean squared norm against the variance), it would
  // send most rows to the float64 path, so the filter sums squared differences instead.
  let meanSq = 0;
  for (let j = 0; j < d; j++) meanSq += (mean[j]! / n) ** 2;
  const spread = normSum / n - meanSq;
  const diffForm = 2 * (layout.rel - 1) * (normSum / n) > spread / 64;
  new Int32Array(memory.buffer, layout.flags, 1)[0] = diffForm ? 1 : 0;
  new Float64Array(memory.buffer, layout.mind, npad).fill(Infinity);
  new Float32Array(memory.buffer, layout.thr, npad).fill(Infinity);
  const k = new SimdKernel(memory, layout, 0);
  for (let r = n; r < npad; r++) k.setKey(r, -1);
  return memory;
}

let compiled: object | undefined;

/** One instance of the module on a shared memory: this thread's view of the keys. */
export class SimdKernel {
  private readonly exports: {
    init: (data: number, mind: number, thr: number, cmax: number, d: number, dp: number, rel: number, abs: number, norm: number, flags: number) => void;
    setKey: (r: number, m: number) => void;
    update: (pick: number, start: number, end: number, out: number) => void;
    stream: (start: number, end: number, passes: number) => number;
  };
  private readonly outAddr: number;
  private readonly res: Float64Array;
  private readonly resIdx: Int32Array;
  /** Keys (float64 squared distances; -1 for centres), a view on the shared memory. */
  readonly mind: Float64Array;

  constructor(
    memory: WasmMemory,
    readonly layout: SimdLayout,
    slot: number,
  ) {
    const wa = wasmApi()!;
    compiled ??= new wa.Module(moduleBytes());
    const inst = new wa.Instance(compiled, { env: { mem: memory } });
    this.exports = inst.exports as unknown as SimdKernel['exports'];
    this.exports.init(layout.data, layout.mind, layout.thr, layout.cmax, layout.d, layout.dp, layout.rel, layout.abs, layout.norm, layout.flags);
    this.outAddr = layout.out + 16 * slot;
    this.res = new Float64Array(memory.buffer, this.outAddr, 1);
    this.resIdx = new Int32Array(memory.buffer, this.outAddr + 8, 1);
    this.mind = new Float64Array(memory.buffer, layout.mind, layout.npad);
  }

  /** Sets row r's key (and its float32 threshold); -1 makes it a centre. */
  setKey(r: number, m: number): void {
    this.exports.setKey(r, m);
  }

  /**
   * Keys of rows [start, end) become min(key, |x - x_pick|^2); then out[0] =
   * the largest key in the range, out[1] = its lowest row (-1 / -1 when every
   * key < 0). start must be a multiple of SIMD_CHUNK, end a multiple of 4.
   */
  update(pick: number, start: number, end: number, out: Float64Array): void {
    this.exports.update(pick, start, end, this.outAddr);
    out[0] = this.res[0]!;
    out[1] = this.resIdx[0]!;
  }

  /** The bench's floor: reads rows [start, end) `passes` times with update's f32x4 loads; returns their sum. */
  stream(start: number, end: number, passes: number): number {
    return this.exports.stream(start, end, passes);
  }
}

/** Row ranges for T threads, each starting on a chunk boundary; ranges ascend and cover [0, npad). */
export function simdRanges(npad: number, threads: number): [number, number][] {
  const starts: number[] = [];
  for (let w = 0; w < threads; w++) starts.push(Math.floor(Math.floor((w * npad) / threads) / SIMD_CHUNK) * SIMD_CHUNK);
  return starts.map((s, w) => [s, w + 1 < threads ? starts[w + 1]! : npad]);
}
