/**
 * Conv2DBackpropFilter kernel for the TensorFlow.js wasm backend.
 *
 * tfjs-backend-wasm 4.22 ships Conv2D and Conv2DBackpropInput but not
 * Conv2DBackpropFilter, so the gradient of conv2d (and conv2dTranspose) with
 * respect to its filter throws on wasm. This kernel computes it as an im2col
 * product (Chellapilla et al., "High Performance Convolutional Neural Networks
 * for Document Processing", 2006):
 *
 *   dW[(i, j, c), o] = sum_m X[(i, j, c), m] * dY[m, o]
 *
 * with m = (b, y, x) over all output positions, X[(i, j, c), m] the input
 * pixel x[b, y*sh + i - top, x*sw + j - left, c] that filter tap (i, j) sees
 * (0 in the padding) and dY = dy reshaped to [M, co]. X is written in the
 * [K, M] layout straight into the wasm heap (by wasm-conv-simd.wat, or a
 * JavaScript loop where WebAssembly SIMD is missing), so the
 * product is one plain (non-transposed) BatchMatMul of the wasm backend; its
 * result [K, co] is already the filter layout [kh, kw, ci, co]. (A first
 * version used one strided slice and a transposed matMul per tap; the wasm
 * StridedSlice and transposed BatchMatMul were ~10x slower than this.)
 *
 * Supports NHWC, any strides, 'same' / 'valid' / numeric / explicit padding,
 * dilation 1 (tfjs's conv2d gradient itself refuses dilations > 1).
 */
import type * as tf from '@tensorflow/tfjs';
import { convSimd, heapOffset } from './wasm-conv-simd.js';
import { call, convGeometry, type ConvGradAttrs, type WasmBackendLike } from './wasm-kernel-utils.js';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';

/** Kernel function: inputs x [B,H,W,ci], dy [B,oh,ow,co]; attrs as tfjs's Conv2DBackpropFilterAttrs. Returns [kh,kw,ci,co]. */
export function conv2dBackpropFilterWasm(params: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs } = params;
  const backend = params.backend as WasmBackendLike;
  const attrs = (params.attrs ?? {}) as unknown as ConvGradAttrs & { readonly filterShape: [number, number, number, number] };
  if (attrs.dataFormat === 'NCHW') throw new Error(`${CONV2D_BACKPROP_FILTER} on wasm supports NHWC only`);
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  const [batch, inH, inW, ci] = x.shape as [number, number, number, number];
  const g = convGeometry(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode);
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outChannels: co } = g;
  const { top, left } = g.padInfo;
  const m = batch * oh * ow;
  const k = kh * kw * ci;

  const cols = backend.makeOutput([1, k, m], 'float32');
  try {
    const simd = convSimd(backend);
    if (simd) {
      const xp = heapOffset(backend, x);
      const cp = heapOffset(backend, cols);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const xoLo = Math.min(ow, Math.max(0, Math.ceil((left - j) / sw)));
          const xoHi = Math.max(xoLo, Math.min(ow, Math.floor((inW - 1 + left - j) / sw) + 1));
          simd.im2colTap(xp, cp + (i * kw + j) * ci * m * 4, batch, inH, inW, ci, oh, ow, sh, sw, i - top, j - left, xoLo, xoHi, m);
        }
      }
    } else {
      im2colJs();
    }
    // Views after the allocation (it may grow the heap and detach older views).
    function im2colJs(): void {
      const xv = backend.typedArrayFromHeap(x);
      const cv = backend.typedArrayFromHeap(cols);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          // Output columns whose tap (i, j) lands inside the input: xoLo <= xo < xoHi.
          const xoLo = Math.min(ow, Math.max(0, Math.ceil((left - j) / sw)));
          const xoHi = Math.max(xoLo, Math.min(ow, Math.floor((inW - 1 + left - j) / sw) + 1));
          const step = sw * ci;
          for (let c = 0; c < ci; c++) {
            let p = ((i * kw + j) * ci + c) * m;
            for (let b = 0; b < batch; b++) {
              for (let y = 0; y < oh; y++) {
                const iy = y * sh + i - top;
                if (iy < 0 || iy >= inH) {
                  cv.fill(0, p, p + ow);
                  p += ow;
                  continue;
                }
                if (xoLo > 0) cv.fill(0, p, p + xoLo);
                let src = ((b * inH + iy) * inW + xoLo * sw + j - left) * ci + c;
                const end = p + xoHi;
                for (let q = p + xoLo; q < end; q++, src += step) cv[q] = xv[src]!;
                if (xoHi < ow) cv.fill(0, end, p + ow);
                p += ow;
              }
            }
          }
        }
      }
    }
    const dy3 = call('Reshape', backend, { x: dy }, { shape: [1, m, co] });
    try {
      const prod = call('BatchMatMul', backend, { a: cols, b: dy3 }, { transposeA: false, transposeB: false }); // [1, K, co]
      try {
        return call('Reshape', backend, { x: prod }, { shape: [kh, kw, ci, co] });
      } finally {
        backend.disposeData(prod.dataId);
      }
    } finally {
      backend.disposeData(dy3.dataId);
    }
  } finally {
    backend.disposeData(cols.dataId);
  }
}
