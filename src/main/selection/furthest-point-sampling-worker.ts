/**
 * Worker thread of furthestPointSamplingParallel: owns rows [start, end) of the
 * shared min-distance array. All workers run the same step loop in lockstep,
 * meeting at a barrier on a shared Int32Array after each distance update; each
 * then reduces the per-worker maxima in the same order, so all agree on the next
 * pick without a round trip to the main thread. Worker 0 writes the order.
 */
import { parentPort } from 'node:worker_threads';
import { workerStartData } from '../workers/serve-requests.js';
import type { FromWorker } from '../workers/protocol.js';
import { loadRow, updateMinDistRange } from './fps-kernel.js';
import { SimdKernel, type SimdLayout, type WasmMemory } from './fps-simd.js';

export interface FpsWorkerData {
  readonly dataBuffer: SharedArrayBuffer;
  readonly dataOffset: number;
  readonly n: number;
  readonly d: number;
  readonly mindBuffer: SharedArrayBuffer;
  readonly ctrlBuffer: SharedArrayBuffer;
  readonly resBuffer: SharedArrayBuffer;
  readonly orderBuffer: SharedArrayBuffer;
  readonly radiusBuffer: SharedArrayBuffer;
  readonly labeled: Int32Array;
  /** First pick when nothing is labeled, else -1. */
  readonly first: number;
  readonly k: number;
  readonly w: number;
  readonly threads: number;
  readonly start: number;
  readonly end: number;
  /** Set when the wasm SIMD kernel runs: the shared wasm memory holding rows and keys (then dataBuffer and mindBuffer are empty). */
  readonly simd: { readonly memory: WasmMemory; readonly layout: SimdLayout } | null;
}

const post = (m: FromWorker<null>): void => parentPort!.postMessage(m);

const COUNT = 0;
const GEN = 1;

function run(wd: FpsWorkerData): void {
  const { n, d, k, w, threads: T, start, end, labeled, first } = wd;
  const data = wd.simd ? new Float32Array(0) : new Float32Array(wd.dataBuffer, wd.dataOffset, n * d);
  const mind = new Float64Array(wd.mindBuffer);
  const ctrl = new Int32Array(wd.ctrlBuffer);
  const res = new Float64Array(wd.resBuffer);
  const order = new Int32Array(wd.orderBuffer);
  const radius = new Float64Array(wd.radiusBuffer);
  const p = new Float64Array(d);
  const out = new Float64Array(2);
  let par = 0;
  // the step: keys of this range become min(key, |x - x_row|^2), local best into out
  const sk = wd.simd ? new SimdKernel(wd.simd.memory, wd.simd.layout, w) : null;
  const update = sk
    ? (row: number): void => sk.update(row, start, end, out)
    : (row: number): void => {
        loadRow(data, d, row, p);
        updateMinDistRange(data, d, p, mind, start, end, out);
      };
  const markCentre = sk
    ? (row: number): void => sk.setKey(row, -1)
    : (row: number): void => {
        mind[row] = -1;
      };

  const barrier = (): void => {
    const gen = Atomics.load(ctrl, GEN);
    if (Atomics.add(ctrl, COUNT, 1) === T - 1) {
      Atomics.store(ctrl, COUNT, 0);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      return;
    }
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctrl, GEN) !== gen) return;
    while (Atomics.load(ctrl, GEN) === gen) Atomics.wait(ctrl, GEN, gen);
  };
  // publish local best, meet, reduce in worker order (ranges ascend, so strict > keeps the lowest index)
  const publish = (): void => {
    const base = par * 2 * T;
    res[base + 2 * w] = out[0]!;
    res[base + 2 * w + 1] = out[1]!;
    if (T > 1) barrier();
    let best = -1;
    let bi = -1;
    for (let q = 0; q < T; q++) {
      const v = res[base + 2 * q]!;
      if (v > best) {
        best = v;
        bi = res[base + 2 * q + 1]!;
      }
    }
    out[0] = best;
    out[1] = bi;
    par ^= 1;
  };

  let t = 0;
  if (first >= 0) {
    if (w === 0) {
      order[0] = first;
      radius[0] = Infinity;
    }
    t = 1;
    if (k > 1) {
      update(first);
      publish();
    }
  } else {
    for (let i = 0; i < labeled.length; i++) update(labeled[i]!);
    publish();
  }
  const every = Math.max(1, Math.floor(k / 100));
  for (; t < k; t++) {
    const pick = out[1]!;
    if (w === 0) {
      order[t] = pick;
      radius[t] = Math.sqrt(out[0]!);
      if (t % every === 0) post({ type: 'progress', id: 0, done: t, total: k, message: 'furthest point sampling' });
    }
    if (pick >= start && pick < end) markCentre(pick);
    if (t + 1 < k) {
      update(pick);
      publish();
    }
  }
  post({ type: 'result', id: 0, value: null });
}

run(workerStartData<FpsWorkerData>());
