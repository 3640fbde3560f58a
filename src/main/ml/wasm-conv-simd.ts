/**
 * Host side of wasm-conv-simd.wat: the data movement of the wasm conv kernels
 * (im2col, col2im, transposes, column sums, uint8 -> float scaling) as
 * WebAssembly SIMD functions that run on the tfjs wasm backend's own memory,
 * so tensors are read and written in place through their memory offsets
 * (the JavaScript loops they replace were most of a training step: the
 * backend's matrix products themselves took ~0.5 ms each, measured).
 *
 * The module is instantiated once per backend memory (imported, so it follows
 * the heap when malloc grows it). Where WebAssembly SIMD is missing, or the
 * memory cannot be imported, convSimd() returns null and the kernels run their
 * JavaScript loops, which compute the same bits (see the .wat).
 */
import * as tf from '@tensorflow/tfjs';
import { CONV_SIMD_WASM_BASE64 } from './wasm-conv-simd-wasm.js';
import type { WasmBackendLike } from './wasm-kernel-utils.js';

/** The module's exports; every pointer is a byte offset in the backend's memory. */
export interface ConvSimd {
  im2colTap(
    x: number,
    dst: number,
    batch: number,
    inH: number,
    inW: number,
    ci: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    di: number,
    dj: number,
    xoLo: number,
    xoHi: number,
    m: number,
  ): void;
  col2im(
    prod: number,
    out: number,
    batch: number,
    inH: number,
    inW: number,
    ci: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    kh: number,
    kw: number,
    top: number,
    left: number,
  ): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  /** out = column sums / div, float64 accumulators (div 1: sums; div rows: means). */
  columnSum(x: number, out: number, rows: number, inner: number, div: number): void;
  scaleU8(src: number, dst: number, n: number): void;
  /** out[r, :] = a[r, :] op v (0 *, 1 +, 2 -; vFirst 1: v op a[r, :]); inner a multiple of 4. */
  broadcastRows(op: number, a: number, v: number, out: number, rows: number, inner: number, vFirst: number): void;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}

/** The parts of the emscripten module inside BackendWasm used here. */
interface BackendInternals {
  wasm?: { asm?: { memory?: unknown }; wasmExports?: { memory?: unknown } };
  getMemoryOffset(dataId: object): number;
}

let enabled = true;
let compiled: object | null | undefined;
const instances = new WeakMap<object, ConvSimd | null>();

/** Turn the SIMD path off (tests of the JavaScript fallback) or back on. */
export function setConvSimdEnabled(on: boolean): void {
  enabled = on;
}

function compile(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return (compiled = null);
    const bin = atob(CONV_SIMD_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new wa.Module(bytes); // throws where SIMD is unsupported
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The SIMD functions bound to this wasm backend's memory, or null (use the JavaScript loops). */
export function convSimd(backend: unknown): ConvSimd | null {
  if (!enabled) return null;
  const b = backend as BackendInternals;
  const memory = b.wasm?.asm?.memory ?? b.wasm?.wasmExports?.memory;
  if (!memory || typeof memory !== 'object') return null;
  const known = instances.get(memory);
  if (known !== undefined) return known;
  let inst: ConvSimd | null = null;
  const mod = compile();
  if (mod) {
    try {
      const wa = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      inst = new wa.Instance(mod, { env: { memory } }).exports as unknown as ConvSimd;
    } catch {
      inst = null; // e.g. a shared (threaded) memory: the module imports a plain one
    }
  }
  instances.set(memory, inst);
  return inst;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  return (backend as BackendInternals).getMemoryOffset(t.dataId);
}

/**
 * uint8 images scaled to [0, 1] as a float32 tensor of `shape`. On the wasm backend with SIMD the bytes are copied
 * into the heap once and scaled there (scaleU8) straight into the tensor's memory; elsewhere a JavaScript loop builds
 * the floats and tf.tensor copies them in. Same values either way (one correctly rounded division per pixel).
 */
export function scaledImageTensor(src: Uint8Array, shape: [number, number, number, number]): tf.Tensor4D {
  const engine = tf.engine();
  const backend = engine.backend as unknown;
  const simd = tf.getBackend() === 'wasm' ? convSimd(backend) : null;
  if (!simd) {
    const f = new Float32Array(src.length);
    for (let i = 0; i < f.length; i++) f[i] = src[i]! / 255;
    return tf.tensor4d(f, shape);
  }
  const b = backend as BackendInternals & WasmBackendLike;
  const out = b.makeOutput(shape, 'float32');
  const bytes = b.makeOutput([Math.ceil(src.length / 4)], 'float32');
  try {
    // The memory's buffer after both allocations (an allocation may grow the memory and replace it).
    const memory = (b.wasm?.asm?.memory ?? b.wasm?.wasmExports?.memory) as { buffer: ArrayBuffer };
    const at = heapOffset(b, bytes);
    new Uint8Array(memory.buffer, at, src.length).set(src);
    simd.scaleU8(at, heapOffset(b, out), src.length);
  } finally {
    b.disposeData(bytes.dataId);
  }
  return engine.makeTensorFromTensorInfo(out, backend as tf.KernelBackend) as tf.Tensor4D;
}
