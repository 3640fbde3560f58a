/**
 * Registers the kernels the product needs for training on the wasm backend:
 * - Conv2DBackpropFilter (missing from tfjs-backend-wasm 4.22),
 * - a faster Conv2DBackpropInput (replacing the backend's direct-loop kernel),
 * - BatchMatMul with transposed operands done as an explicit Transpose and a
 *   plain product (the backend's transposed paths measured 5-30x slower; dense
 *   layer gradients use them),
 * - Sum over leading axes (bias gradients) without the backend's full transpose
 *   (wasm-sum.ts), and Mean over leading axes (batch norm statistics) the same way.
 * All are checked against the cpu backend in test/ml/wasm-kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { CONV2D_BACKPROP_FILTER, conv2dBackpropFilterWasm } from './wasm-conv2d-backprop-filter.js';
import { CONV2D_BACKPROP_INPUT, conv2dBackpropInputWasm } from './wasm-conv2d-backprop-input.js';
import { convSimd, heapOffset } from './wasm-conv-simd.js';
import { call, WASM, type KernelFunc, type WasmBackendLike } from './wasm-kernel-utils.js';
import { sumLeadingAxesWasm } from './wasm-sum.js';

let done = false;

/**
 * Register both kernels for the 'wasm' backend of this thread's tfjs
 * (idempotent). Call after importing @tensorflow/tfjs-backend-wasm (which
 * registers the backend's own kernels) and before running models.
 */
export function registerWasmConvKernels(): void {
  if (done) return;
  if (!tf.getKernel(CONV2D_BACKPROP_FILTER, WASM)) {
    tf.registerKernel({ kernelName: CONV2D_BACKPROP_FILTER, backendName: WASM, kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc });
  }
  if (tf.getKernel(CONV2D_BACKPROP_INPUT, WASM)) tf.unregisterKernel(CONV2D_BACKPROP_INPUT, WASM);
  tf.registerKernel({ kernelName: CONV2D_BACKPROP_INPUT, backendName: WASM, kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc });
  const bmm = tf.getKernel('BatchMatMul', WASM);
  if (bmm) {
    const plain = bmm.kernelFunc as unknown as KernelFunc;
    const wrapped: KernelFunc = ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return plain({ inputs, backend, attrs });
      const disposer = backend as { disposeData(id: object): boolean };
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const r = t.shape.length;
        const simd = convSimd(backend);
        if (simd && t.dtype === 'float32') {
          const rows = t.shape[r - 2]!;
          const cols = t.shape[r - 1]!;
          const out = (backend as WasmBackendLike).makeOutput([...t.shape.slice(0, r - 2), cols, rows], 'float32');
          const src = heapOffset(backend, t);
          const dst = heapOffset(backend, out);
          const batches = t.shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
          for (let i = 0; i < batches; i++) simd.transpose2d(src + i * rows * cols * 4, dst + i * rows * cols * 4, rows, cols);
          return out;
        }
        const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
        return call('Transpose', backend, { x: t }, { perm });
      };
      const a = transposeA ? swapLast(inputs['a']!) : inputs['a']!;
      const b = transposeB ? swapLast(inputs['b']!) : inputs['b']!;
      try {
        return plain({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        if (transposeA) disposer.disposeData(a.dataId);
        if (transposeB) disposer.disposeData(b.dataId);
      }
    };
    tf.unregisterKernel('BatchMatMul', WASM);
    tf.registerKernel({ ...bmm, kernelFunc: wrapped as unknown as tf.KernelFunc });
  }
  const sum = tf.getKernel('Sum', WASM);
  if (sum) {
    tf.unregisterKernel('Sum', WASM);
    tf.registerKernel({ ...sum, kernelFunc: sumLeadingAxesWasm(sum.kernelFunc as unknown as KernelFunc) as unknown as tf.KernelFunc });
  }
  const mean = tf.getKernel('Mean', WASM);
  if (mean) {
    tf.unregisterKernel('Mean', WASM);
    tf.registerKernel({ ...mean, kernelFunc: sumLeadingAxesWasm(mean.kernelFunc as unknown as KernelFunc, true) as unknown as tf.KernelFunc });
  }
  done = true;
}
