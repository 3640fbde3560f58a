/**
 * Furthest point sampling on worker threads: the rows are split into
 * contiguous ranges, one per worker, over SharedArrayBuffers (embeddings,
 * min-distance keys, order). Same rules, same float64 arithmetic and the same
 * lowest-index tie-break as furthestPointSampling (furthest-point-sampling.ts),
 * so the picks and radii are identical. The main event loop stays free.
 */
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { AppError } from '../../shared/errors.js';
import { checkInput } from './types.js';
import { firstPickForSeed } from './first-pick.js';
import { startWorker } from '../workers/start-worker.js';
import type { FromWorker, WorkerBoot } from '../workers/protocol.js';
import type { FpsOptions, FpsResult } from './furthest-point-sampling.js';
import type { FpsWorkerData } from './furthest-point-sampling-worker.js';
import { chooseFpsKernel, createSimdMemory, SimdKernel, simdLayout, simdRanges, type WasmMemory, type SimdLayout } from './fps-simd.js';

export interface ParallelFpsOptions extends FpsOptions {
  /** Worker threads (at most n); default os.availableParallelism() capped at 16 and at one per 2048 rows. */
  readonly threads?: number;
  /** Aborting terminates the workers and rejects with AppError('cancelled'). */
  readonly signal?: AbortSignal;
  /** Called about 100 times with the number of picks made so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Exact furthest point sampling on worker threads; identical result to
 * furthestPointSampling(data, n, d, opts). If `data` is not already backed by a
 * SharedArrayBuffer it is copied once into one (n*d*4 bytes).
 *
 * @returns Promise of { order: Int32Array (length k), coverageRadius: Float64Array }
 * @throws AppError('invalid-argument') on malformed input; AppError('cancelled') on abort;
 *         AppError('internal') if a worker fails.
 */
export async function furthestPointSamplingParallel(data: Float32Array, n: number, d: number, opts: ParallelFpsOptions = {}): Promise<FpsResult> {
  const c = checkInput(data, n, d, opts);
  const { k, labeled } = c;
  if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1)) {
    throw new AppError('invalid-argument', `threads must be a positive integer, got ${opts.threads}`);
  }
  if (opts.signal?.aborted) throw new AppError('cancelled', 'ordering was cancelled');
  const orderBuffer = new SharedArrayBuffer(4 * Math.max(1, k));
  const radiusBuffer = new SharedArrayBuffer(8 * Math.max(1, k));
  const T = opts.threads !== undefined ? Math.max(1, Math.min(opts.threads, n)) : Math.max(1, Math.min(16, availableParallelism(), Math.floor(n / 2048) || 1));
  const kernel = chooseFpsKernel(opts.kernel, n, d, T);
  if (k === 0) return { order: new Int32Array(0), coverageRadius: new Float64Array(0), kernel };

  // wasm SIMD: rows and keys in one shared wasm memory, ranges on chunk boundaries
  let simd: { memory: WasmMemory; layout: SimdLayout } | null = null;
  let ranges: [number, number][] | null = null;
  if (kernel === 'wasm-simd') {
    const layout = simdLayout(n, d, T)!;
    const memory = createSimdMemory(data, layout);
    const sk = new SimdKernel(memory, layout, 0);
    for (let i = 0; i < labeled.length; i++) sk.setKey(labeled[i]!, -1);
    if (labeled.length === 0) sk.setKey(firstPickForSeed(n, c.seed), -1);
    simd = { memory, layout };
    ranges = simdRanges(layout.npad, T);
  }
  let dataBuffer: SharedArrayBuffer;
  let dataOffset = 0;
  if (simd) {
    dataBuffer = new SharedArrayBuffer(0); // the rows live in the wasm memory
  } else if (data.buffer instanceof SharedArrayBuffer) {
    dataBuffer = data.buffer;
    dataOffset = data.byteOffset;
  } else {
    dataBuffer = new SharedArrayBuffer(4 * n * d);
    new Float32Array(dataBuffer).set(data);
  }
  const mindBuffer = new SharedArrayBuffer(simd ? 0 : 8 * n);
  const mind = new Float64Array(mindBuffer).fill(Infinity);
  for (let i = 0; i < labeled.length; i++) mind[labeled[i]!] = -1;
  let first = -1;
  if (labeled.length === 0) {
    first = firstPickForSeed(n, c.seed);
    mind[first] = -1;
  }
  const ctrlBuffer = new SharedArrayBuffer(4 * 4);
  const resBuffer = new SharedArrayBuffer(8 * 4 * T);

  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const onAbort = (): void => fail(new AppError('cancelled', 'ordering was cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (let w = 0; w < T; w++) {
        const start = ranges ? ranges[w]![0] : Math.floor((w * n) / T);
        const end = ranges ? ranges[w]![1] : Math.floor(((w + 1) * n) / T);
        const wd: FpsWorkerData = {
          dataBuffer,
          dataOffset,
          n,
          d,
          mindBuffer,
          ctrlBuffer,
          resBuffer,
          orderBuffer,
          radiusBuffer,
          labeled,
          first,
          k,
          w,
          threads: T,
          start,
          end,
          simd,
        };
        // lockstep workers over shared memory: no requests, only the start-up data; progress and the end as protocol messages
        const boot: WorkerBoot<FpsWorkerData> = { data: wd, cancelFlag: new SharedArrayBuffer(4) };
        const worker = startWorker(import.meta.url, './furthest-point-sampling-worker', { workerData: boot });
        workers.push(worker);
        worker.on('message', (m: FromWorker<null>) => {
          if (m.type === 'progress') opts.onProgress?.(m.done, k);
          else if (m.type === 'error') fail(new AppError('internal', `furthest point sampling worker failed: ${m.error.message}`));
          else if (m.type === 'result' && ++done === T && !settled) {
            settled = true;
            opts.signal?.removeEventListener('abort', onAbort);
            resolve();
          }
        });
        worker.on('error', (e) => fail(new AppError('internal', `furthest point sampling worker failed: ${e.message}`, { cause: e })));
        worker.on('exit', (code) => {
          if (code !== 0) fail(new AppError('internal', `furthest point sampling worker exited with code ${code}`));
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  opts.onProgress?.(k, k);
  return { order: new Int32Array(orderBuffer, 0, k).slice(), coverageRadius: new Float64Array(radiusBuffer, 0, k).slice(), kernel };
}
