/**
 * Runs a heavy job in a worker thread and turns its messages into progress
 * callbacks and a promise. Cancelling asks the job to stop at its next check;
 * a job that does not stop within a grace period is terminated (safe: its
 * writes are transactional).
 */
import { AppError } from '../../shared/errors.js';
import type { JobProgressReport, JobResult, JobSpec, WorkerInput, WorkerMessage } from './job-types.js';
import { startWorker } from './worker-path.js';

export interface RunningJob<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

const CANCEL_GRACE_MS = 3000;
/** Heap limit of a job's worker: running out ends the job with a clear error instead of the process. */
export const JOB_HEAP_MB = Number(process.env.NL_JOB_HEAP_MB ?? 4096);

export function runJobInWorker<S extends JobSpec>(
  projectPath: string,
  spec: S,
  handlers: { onProgress?(p: JobProgressReport): void; onLog?(m: string): void } = {},
): RunningJob<JobResult<S>> {
  const cancelFlag = new SharedArrayBuffer(4);
  const input: WorkerInput = { projectPath, spec, cancelFlag };
  const worker = startWorker(import.meta.url, './compute-worker', { workerData: input, resourceLimits: { maxOldGenerationSizeMb: JOB_HEAP_MB } });
  let settled = false;
  let cancelled = false;
  const promise = new Promise<JobResult<S>>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') handlers.onProgress?.(m);
      else if (m.type === 'log') handlers.onLog?.(m.message);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.value as JobResult<S>);
        void worker.terminate();
      } else if (m.type === 'error') {
        settled = true;
        reject(new AppError(m.error.code, m.error.message));
        void worker.terminate();
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        reject(
          new AppError(
            'training-failed',
            `${spec.kind} ran out of memory (heap limit ${JOB_HEAP_MB} MB); nothing was written and the previous model, embeddings and order stay in use; try a smaller --input-size or fewer images`,
            { cause: e },
          ),
        );
      } else {
        reject(new AppError('internal', `${spec.kind} worker failed: ${e.message}`, { cause: e }));
      }
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      if (cancelled) reject(new AppError('cancelled', `${spec.kind} was cancelled; the project keeps its previous state`));
      else reject(new AppError('internal', `${spec.kind} worker stopped unexpectedly (exit code ${code})`));
    });
  });
  return {
    promise,
    cancel(): void {
      if (settled) return;
      cancelled = true;
      Atomics.store(new Int32Array(cancelFlag), 0, 1);
      setTimeout(() => {
        if (!settled) void worker.terminate();
      }, CANCEL_GRACE_MS).unref();
    },
  };
}
