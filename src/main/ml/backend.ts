/**
 * Compute backend selection for TensorFlow.js (docs/architecture.md, "Compute backends").
 *
 * Preference for 'auto': @tensorflow/tfjs-node-gpu (CUDA) > @tensorflow/tfjs-node
 * (native CPU) > @tensorflow/tfjs-backend-wasm (SIMD, one thread in Node) > cpu
 * (plain JavaScript). The native packages are optional dependencies (they
 * download libtensorflow at install time), so they are imported dynamically and
 * every failure is recorded with its reason.
 *
 * The tfjs engine is per module instance, i.e. per thread: call selectBackend
 * once in every worker thread that runs models. Nothing here assumes the main
 * thread.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';
import type { BackendChoice, ComputeBackend } from '../../shared/types.js';
import { registerWasmConvKernels } from './wasm-conv-kernels.js';

// Quiet tfjs's console advice ("looks like you are running TensorFlow.js in
// Node.js ...") and its debug checks in every thread that loads this module:
// the backend is chosen on purpose here, and the choice is reported by
// describeBackendSelection.
tf.env().set('PROD', true);

export const BACKEND_PREFERENCE: readonly ComputeBackend[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** One backend the selection tried. */
export interface BackendAttempt {
  readonly backend: ComputeBackend;
  readonly ok: boolean;
  /** Why it is unavailable (null when ok). */
  readonly reason: string | null;
}

/** What selectBackend chose in this thread, and why. */
export interface BackendSelection {
  readonly choice: BackendChoice;
  readonly backend: ComputeBackend;
  /** The tfjs backend name ('tensorflow', 'wasm' or 'cpu'). */
  readonly tfBackendName: string;
  readonly attempts: readonly BackendAttempt[];
  readonly tfjsVersion: string;
}

let current: BackendSelection | null = null;

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed to initialise the backend`);
  await tf.ready();
}

async function tryNative(pkg: string): Promise<void> {
  // A variable specifier keeps TypeScript from resolving the optional package at build time.
  const spec: string = pkg;
  await import(spec);
  if (!tf.findBackendFactory('tensorflow')) {
    throw new Error(`${pkg} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs ${tf.version.tfjs} (version mismatch?)`);
  }
  await activate('tensorflow');
}

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries sit beside the package's main file (dist/).
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  registerWasmConvKernels();
  await activate('wasm');
}

async function tryBackend(b: ComputeBackend): Promise<void> {
  switch (b) {
    case 'tensorflow-gpu':
      return tryNative('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return tryNative('@tensorflow/tfjs-node');
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return activate('cpu');
  }
}

function tfNameOf(b: ComputeBackend): string {
  return b === 'tensorflow-gpu' ? 'tensorflow' : b;
}

/**
 * Select and initialise the compute backend of this thread.
 *
 * @param choice 'auto' tries tensorflow-gpu, tensorflow, wasm, cpu in that
 *   order and takes the first that initialises; a named backend is used or
 *   refused.
 * @returns the backend in use.
 * @throws AppError('backend-unavailable') naming the backend and why, when a
 *   forced backend cannot be loaded (or, for 'auto', when none can).
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<ComputeBackend> {
  if (choice !== 'auto' && !BACKEND_PREFERENCE.includes(choice)) {
    throw new AppError('invalid-argument', `backend "${String(choice)}" is unknown; use auto, tensorflow-gpu, tensorflow, wasm or cpu`);
  }
  // Quiet tfjs's console advice and debug checks (PROD mode).
  tf.env().set('PROD', true);
  if (current && (choice === 'auto' || choice === current.backend) && tf.getBackend() === current.tfBackendName) {
    return current.backend;
  }
  const candidates = choice === 'auto' ? BACKEND_PREFERENCE : [choice];
  const attempts: BackendAttempt[] = [];
  for (const b of candidates) {
    try {
      await tryBackend(b);
      attempts.push({ backend: b, ok: true, reason: null });
      current = { choice, backend: b, tfBackendName: tfNameOf(b), attempts, tfjsVersion: tf.version.tfjs };
      return b;
    } catch (e) {
      attempts.push({ backend: b, ok: false, reason: reasonOf(e) });
    }
  }
  const why = attempts.map((a) => `${a.backend}: ${a.reason ?? 'ok'}`).join('; ');
  throw new AppError(
    'backend-unavailable',
    choice === 'auto'
      ? `no TensorFlow.js backend could be initialised (${why})`
      : `backend "${choice}" is not available here (${why}); use --backend auto to take the fastest one present`,
  );
}

/** The last selection made in this thread (null before selectBackend). */
export function backendSelection(): BackendSelection | null {
  return current;
}

/** One line for logs and status: "wasm (tensorflow-gpu: <why>; tensorflow: <why>)". */
export function describeBackendSelection(sel: BackendSelection | null = current): string {
  if (!sel) return 'no backend selected';
  const failed = sel.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return failed.length ? `${sel.backend} (unavailable: ${failed.join('; ')})` : sel.backend;
}
