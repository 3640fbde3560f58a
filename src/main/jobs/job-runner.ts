/**
 * Runs a job in its own worker thread (compute-worker.ts) and turns its
 * messages into progress callbacks and a promise. Cancelling asks the job to
 * stop at its next check; a job that does not stop within a grace period is
 * terminated (safe: its writes are transactional).
 */
import { AppError } from '../../shared/errors.js';
import { WorkerClient, type RequestHandlers } from '../workers/worker-client.js';
import type { ComputeWorkerData, JobResult, JobSpec } from './job-types.js';

export interface RunningJob<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

/** Heap limit of a job's worker: running out ends the job with a clear error instead of the process. */
export const JOB_HEAP_MB = Number(process.env.NL_JOB_HEAP_MB ?? 4096);

export function runJobInWorker<S extends JobSpec>(projectPath: string, spec: S, handlers: RequestHandlers = {}): RunningJob<JobResult<S>> {
  const data: ComputeWorkerData = { projectPath };
  const client = new WorkerClient<S, JobResult<S>>(import.meta.url, './compute-worker', {
    data,
    resourceLimits: { maxOldGenerationSizeMb: JOB_HEAP_MB },
    lost: (loss) => {
      if (loss.kind === 'error') {
        return loss.error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new AppError(
              'training-failed',
              `${spec.kind} ran out of memory (heap limit ${JOB_HEAP_MB} MB); nothing was written and the previous model, embeddings and order stay in use; try a smaller --input-size or fewer images`,
              { cause: loss.error },
            )
          : new AppError('internal', `${spec.kind} worker failed: ${loss.error.message}`, { cause: loss.error });
      }
      return loss.cancelled
        ? new AppError('cancelled', `${spec.kind} was cancelled; the project keeps its previous state`)
        : new AppError('internal', `${spec.kind} worker stopped unexpectedly (exit code ${loss.code})`);
    },
  });
  const promise = client.request(spec, handlers).finally(() => void client.terminate());
  return { promise, cancel: () => client.cancel() };
}
