/**
 * Shared plumbing of the replacement conv kernels for the tfjs wasm backend:
 * typed access to the backend (heap views, kernel functions of other ops) and
 * the conv geometry of tfjs (backend_util.computeConv2DInfo).
 */
import * as tf from '@tensorflow/tfjs';

export type KernelFunc = (params: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => tf.TensorInfo | tf.TensorInfo[];

/** The parts of BackendWasm (tfjs-backend-wasm 4.x) the kernels use. */
export interface WasmBackendLike {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

export const WASM = 'wasm';

export function wasmKernel(name: string): KernelFunc {
  const k = tf.getKernel(name, WASM);
  if (!k) throw new Error(`wasm backend lacks the ${name} kernel`);
  return k.kernelFunc as unknown as KernelFunc;
}

export function single(r: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  return Array.isArray(r) ? r[0]! : r;
}

/** Run a wasm kernel function directly (results are the backend's, untracked by the engine). */
export function call(name: string, backend: unknown, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown> = {}): tf.TensorInfo {
  return single(wasmKernel(name)({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }));
}

export type ConvPad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/** Geometry of an NHWC conv2d with dilation 1. */
export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
}

/** Attributes shared by tfjs's Conv2DBackpropFilter and Conv2DBackpropInput kernels. */
export interface ConvGradAttrs {
  readonly strides: number | [number, number];
  readonly pad: ConvPad;
  readonly dataFormat?: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
