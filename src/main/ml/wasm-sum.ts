/**
 * Faster Sum over leading axes for the TensorFlow.js wasm backend.
 *
 * Bias gradients are sums of dy over every axis but the last (conv: [B, H, W];
 * dense: [B]). The wasm Sum kernel reduces only innermost axes, so it first
 * transposes the whole tensor to move the reduced axes inward; for these
 * shapes that transpose dominated (9 ms of a 46 ms step at 64 px, measured).
 * Reducing leading axes is a column sum over a row-major [rows, inner] view,
 * done here on the wasm heap (float64 accumulators; wasm-conv-simd.wat, or one
 * JavaScript pass where WebAssembly SIMD is missing).
 * Any other reduction goes to the backend's own kernel.
 */
import type * as tf from '@tensorflow/tfjs';
import { convSimd, heapOffset } from './wasm-conv-simd.js';
import type { KernelFunc, WasmBackendLike } from './wasm-kernel-utils.js';

/**
 * Wrap the backend's Sum (or, with mean, Mean) kernel function `plain` with the leading-axes fast path.
 * Mean: batch norm statistics and their gradients are means over [B, H, W]; the backend's Mean transposes
 * first, like Sum (105 ms of a 1.3 s contrastive step at 64 px, batch 256, measured). The mean here is the
 * float64 sum divided in float64 and rounded once (the backend sums in float32: the last bits differ).
 */
export function sumLeadingAxesWasm(plain: KernelFunc, mean = false): KernelFunc {
  return (params) => {
    const x = params.inputs['x']!;
    const { axis, keepDims } = (params.attrs ?? {}) as { axis?: number | number[]; keepDims?: boolean };
    const rank = x.shape.length;
    const axes = (axis === undefined || axis === null ? [...Array(rank).keys()] : Array.isArray(axis) ? axis : [axis])
      .map((a) => (a < 0 ? a + rank : a))
      .sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return plain(params);
    const backend = params.backend as WasmBackendLike;
    const k = axes.length;
    const inner = x.shape.slice(k).reduce((a, b) => a * b, 1);
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const outShape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k);
    const out = backend.makeOutput(outShape, 'float32');
    const simd = convSimd(backend);
    if (simd) {
      simd.columnSum(heapOffset(backend, x), heapOffset(backend, out), rows, inner, mean ? rows : 1);
      return out as tf.TensorInfo;
    }
    const xv = backend.typedArrayFromHeap(x);
    const ov = backend.typedArrayFromHeap(out);
    const acc = new Float64Array(inner);
    for (let r = 0; r < rows; r++) {
      const base = r * inner;
      for (let j = 0; j < inner; j++) acc[j] = acc[j]! + xv[base + j]!;
    }
    if (mean) for (let j = 0; j < inner; j++) acc[j] = acc[j]! / rows;
    ov.set(acc);
    return out as tf.TensorInfo;
  };
}
