/**
 * The one job lifecycle every job (import, embed, order, evaluate, compare)
 * goes through: an id, a "started" report, progress relayed as job:progress,
 * one job:done (with the error, if any), and cancel by id while it runs.
 * The work itself runs in a worker thread (job-runner.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ApiEvents } from '../../shared/api.js';
import { serializeError } from '../../shared/errors.js';
import type { JobId } from '../../shared/types.js';
import { runJobInWorker } from './job-runner.js';
import type { JobResult, JobSpec } from './job-types.js';

type JobEvents = Pick<ApiEvents, 'job:progress' | 'job:done'>;
export type JobEventSink = <E extends keyof JobEvents>(event: E, payload: JobEvents[E]) => void;

export class JobBoard {
  private readonly running = new Map<JobId, { cancel(): void }>();

  constructor(private readonly emit: JobEventSink) {}

  /** Run `spec` on the project at `projectPath` in a worker; resolves with its result, rejects with its error. */
  async run<S extends JobSpec>(projectPath: string, spec: S): Promise<JobResult<S>> {
    const stage = spec.kind;
    const jobId = randomUUID() as JobId;
    const job = runJobInWorker(projectPath, spec, { onProgress: (p) => this.emit('job:progress', { jobId, stage, ...p }) });
    this.running.set(jobId, job);
    this.emit('job:progress', { jobId, stage, done: 0, total: 1, message: `${stage} started` });
    try {
      const value = await job.promise;
      this.emit('job:done', { jobId, stage, error: null });
      return value;
    } catch (e) {
      this.emit('job:done', { jobId, stage, error: serializeError(e) });
      throw e;
    } finally {
      this.running.delete(jobId);
    }
  }

  /** Ask a running job to stop (unknown or finished ids are ignored). */
  cancel(jobId: JobId): void {
    this.running.get(jobId)?.cancel();
  }

  cancelAll(): void {
    for (const j of this.running.values()) j.cancel();
    this.running.clear();
  }
}
