/**
 * Conv2DBackpropFilter kernel for the TensorFlow.js wasm backend.
 *
 * tfjs-backend-wasm 4.22 ships Conv2D and Conv2DBackpropInput but not
 * Conv2DBackpropFilter, so the gradient of conv2d (and conv2dTranspose) with
 * respect to its filter throws on wasm. This kernel computes it from kernels
 * the wasm backend has, as an im2col formulation (Chellapilla et al., "High
 * Performance Convolutional Neural Networks for Document Processing", 2006):
 *
 *   dW[i, j, :, :] = X_ij^T . dY
 *
 * where X_ij is the [B*oh*ow, ci] matrix of the input pixels the filter tap
 * (i, j) sees over all output positions (a strided slice of the padded input)
 * and dY is dy reshaped to [B*oh*ow, co]. One BatchMatMul per filter tap, the
 * kh*kw results concatenated into [kh, kw, ci, co].
 *
 * Intermediate results are the backend's own TensorInfos (made by the wasm
 * kernel functions, never tracked by the engine) and are freed with
 * backend.disposeData, as the wasm backend's own composite kernels do.
 *
 * Supports NHWC, any strides, 'same' / 'valid' / numeric / explicit padding,
 * dilation 1 (tfjs's conv2d gradient itself refuses dilations > 1).
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = (params: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[];

interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

const BACKEND = 'wasm';
const KERNEL = 'Conv2DBackpropFilter';

function kernelOf(name: string): KernelFunc {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`wasm backend lacks the ${name} kernel needed by ${KERNEL}`);
  return k.kernelFunc as unknown as KernelFunc;
}

function single(r: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  return Array.isArray(r) ? r[0]! : r;
}

/** The kernel function (exported for tests). Inputs x [B,H,W,ci], dy [B,oh,ow,co]; attrs as tfjs's Conv2DBackpropFilterAttrs. */
export function conv2dBackpropFilterWasm(params: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, backend } = params;
  const attrs = (params.attrs ?? {}) as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  if (attrs.dataFormat === 'NCHW') {
    throw new Error(`${KERNEL} on wasm supports NHWC only`);
  }
  const be = backend as WasmBackendLike;
  const padV2 = kernelOf('PadV2');
  const stridedSlice = kernelOf('StridedSlice');
  const reshape = kernelOf('Reshape');
  const batchMatMul = kernelOf('BatchMatMul');
  const concat = kernelOf('Concat');

  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [batch, inH, inW, ci] = x.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outChannels: co } = info;
  const { top, left } = info.padInfo;
  // Pad so that every tap's strided window lies inside the padded input.
  const bottom = Math.max(info.padInfo.bottom, (oh - 1) * sh + kh - inH - top, 0);
  const right = Math.max(info.padInfo.right, (ow - 1) * sw + kw - inW - left, 0);

  const owned: tf.TensorInfo[] = [];
  const own = (t: tf.TensorInfo): tf.TensorInfo => {
    owned.push(t);
    return t;
  };
  try {
    const xp =
      top === 0 && left === 0 && bottom === 0 && right === 0
        ? x
        : own(
            single(
              padV2({
                inputs: { x },
                backend,
                attrs: { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 } as unknown as tf.NamedAttrMap,
              }),
            ),
          );
    const m = batch * oh * ow;
    const dy3 = own(single(reshape({ inputs: { x: dy }, backend, attrs: { shape: [1, m, co] } as unknown as tf.NamedAttrMap })));
    const taps: tf.TensorInfo[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const win = own(
          single(
            stridedSlice({
              inputs: { x: xp },
              backend,
              attrs: {
                begin: [0, i, j, 0],
                end: [batch, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, ci],
                strides: [1, sh, sw, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              } as unknown as tf.NamedAttrMap,
            }),
          ),
        );
        const win3 = own(single(reshape({ inputs: { x: win }, backend, attrs: { shape: [1, m, ci] } as unknown as tf.NamedAttrMap })));
        const tap = own(
          single(
            batchMatMul({
              inputs: { a: win3, b: dy3 },
              backend,
              attrs: { transposeA: true, transposeB: false } as unknown as tf.NamedAttrMap,
            }),
          ),
        ); // [1, ci, co]
        taps.push(tap);
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : own(single(concat({ inputs: taps as unknown as tf.NamedTensorInfoMap, backend, attrs: { axis: 0 } as unknown as tf.NamedAttrMap })));
    // The result shares stacked's buffer (reshape adds a reference), so disposing `owned` keeps it alive.
    return single(reshape({ inputs: { x: stacked }, backend, attrs: { shape: [kh, kw, ci, co] } as unknown as tf.NamedAttrMap }));
  } finally {
    for (const t of owned) be.disposeData(t.dataId);
  }
}

let registered = false;

/**
 * Register the kernel for the wasm backend (idempotent; a no-op when the wasm
 * backend already has a Conv2DBackpropFilter kernel, e.g. a later tfjs).
 */
export function registerWasmConv2dBackpropFilter(): void {
  if (registered || tf.getKernel(KERNEL, BACKEND)) {
    registered = true;
    return;
  }
  tf.registerKernel({ kernelName: KERNEL, backendName: BACKEND, kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc });
  registered = true;
}
