/**
 * Worker thread of furthestPointSamplingParallel: owns rows [start, end) of the
 * shared min-distance array. All workers run the same step loop in lockstep,
 * meeting at a barrier on a shared Int32Array after each distance update; each
 * then reduces the per-worker maxima in the same order, so all agree on the next
 * pick without a round trip to the main thread. Worker 0 writes the order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRow, updateMinDistRange } from './fps-kernel.js';

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
}

const COUNT = 0;
const GEN = 1;

function run(wd: FpsWorkerData): void {
  const { n, d, k, w, threads: T, start, end, labeled, first } = wd;
  const data = new Float32Array(wd.dataBuffer, wd.dataOffset, n * d);
  const mind = new Float64Array(wd.mindBuffer);
  const ctrl = new Int32Array(wd.ctrlBuffer);
  const res = new Float64Array(wd.resBuffer);
  const order = new Int32Array(wd.orderBuffer);
  const radius = new Float64Array(wd.radiusBuffer);
  const p = new Float64Array(d);
  const out = new Float64Array(2);
  let par = 0;

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
      if (v > best) { best = v; bi = res[base + 2 * q + 1]!; }
    }
    out[0] = best;
    out[1] = bi;
    par ^= 1;
  };

  let t = 0;
  if (first >= 0) {
    if (w === 0) { order[0] = first; radius[0] = Infinity; }
    t = 1;
    if (k > 1) {
      loadRow(data, d, first, p);
      updateMinDistRange(data, d, p, mind, start, end, out);
      publish();
    }
  } else {
    for (let i = 0; i < labeled.length; i++) {
      loadRow(data, d, labeled[i]!, p);
      updateMinDistRange(data, d, p, mind, start, end, out);
    }
    publish();
  }
  const every = Math.max(1, Math.floor(k / 100));
  for (; t < k; t++) {
    const pick = out[1]!;
    if (w === 0) {
      order[t] = pick;
      radius[t] = Math.sqrt(out[0]!);
      if (t % every === 0) parentPort!.postMessage({ type: 'progress', done: t });
    }
    if (pick >= start && pick < end) mind[pick] = -1;
    if (t + 1 < k) {
      loadRow(data, d, pick, p);
      updateMinDistRange(data, d, p, mind, start, end, out);
      publish();
    }
  }
  parentPort!.postMessage({ type: 'done' });
}

run(workerData as FpsWorkerData);
