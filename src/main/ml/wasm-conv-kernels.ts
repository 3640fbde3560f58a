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
  for (const [name, op] of [
    ['Multiply', 0],
    ['Add', 1],
    ['Sub', 2],
  ] as const) {
    const k = tf.getKernel(name, WASM);
    if (!k) continue;
    tf.unregisterKernel(name, WASM);
    tf.registerKernel({ ...k, kernelFunc: channelBroadcastWasm(k.kernelFunc as unknown as KernelFunc, op) as unknown as tf.KernelFunc });
  }
  done = true;
}

/** True when v is [1, ..., 1, C] (or [C]) against big [..., C] with more elements: a per-channel operand. */
function perChannel(v: tf.TensorInfo, big: tf.TensorInfo): boolean {
  const r = v.shape.length;
  const c = v.shape[r - 1];
  return (
    r >= 1 &&
    r <= big.shape.length &&
    c === big.shape[big.shape.length - 1] &&
    v.shape.slice(0, -1).every((d) => d === 1) &&
    big.shape.reduce((a, b) => a * b, 1) > c!
  );
}

/**
 * Multiply / Add / Sub with one per-channel operand ([1, 1, 1, C] against [B, H, W, C]: batch norm's scale
 * and shift, and their gradients) as one SIMD pass (wasm-conv-simd.wat broadcastRows); the backend's
 * generic broadcasting loop took ~3x the time of a same-shape product (8.8 vs 3.1 ms at 512x32x32x16,
 * measured). Same IEEE operation per element, so the same bits. Anything else goes to `plain`.
 */
function channelBroadcastWasm(plain: KernelFunc, op: 0 | 1 | 2): KernelFunc {
  return (params) => {
    const a = params.inputs['a']!;
    const b = params.inputs['b']!;
    const simd = convSimd(params.backend);
    if (!simd || a.dtype !== 'float32' || b.dtype !== 'float32') return plain(params);
    const vFirst = perChannel(a, b);
    if (!vFirst && !perChannel(b, a)) return plain(params);
    const [v, big] = vFirst ? [a, b] : [b, a];
    const inner = big.shape[big.shape.length - 1]!;
    if (inner % 4 !== 0) return plain(params);
    const rows = big.shape.reduce((x, y) => x * y, 1) / inner;
    const backend = params.backend as WasmBackendLike;
    const out = backend.makeOutput([...big.shape], 'float32');
    simd.broadcastRows(op, heapOffset(backend, big), heapOffset(backend, v), heapOffset(backend, out), rows, inner, vFirst ? 1 : 0);
    return out;
  };
}
