/**
 * Worker-thread entry: opens the project with its own SQLite connection,
 * runs one heavy job (embed, order, evaluate, compare) and reports progress.
 * Every write the job makes is transactional, so terminating the worker
 * never leaves the project half-written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors.js';
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { runJobInProcess } from './run-job.js';
import type { WorkerInput, WorkerMessage } from './job-types.js';

const input = workerData as WorkerInput;
const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

const flag = new Int32Array(input.cancelFlag);
const controller = new AbortController();
const poll = setInterval(() => {
  if (Atomics.load(flag, 0) === 1) controller.abort();
}, 25);

async function main(): Promise<void> {
  const store = ProjectStore.open(input.projectPath);
  try {
    const value = await runJobInProcess(store, input.spec, {
      progress: (p) => post({ type: 'progress', ...p }),
      log: (message) => post({ type: 'log', message }),
      signal: controller.signal,
      cancelled: () => Atomics.load(flag, 0) === 1 || controller.signal.aborted,
    });
    post({ type: 'result', value });
  } finally {
    store.close();
  }
}

main()
  .catch((e: unknown) => post({ type: 'error', error: serializeError(mapStoreError(e, input.projectPath)) }))
  .finally(() => clearInterval(poll));
