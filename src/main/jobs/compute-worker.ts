/**
 * Worker-thread entry of every job (import, embed, order, evaluate, compare):
 * opens the project with its own SQLite connection, runs the job it is asked
 * for and reports progress (../workers/protocol.ts). Every write a job makes
 * is transactional, so terminating the worker never leaves the project
 * half-written.
 */
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { serveRequests, workerStartData } from '../workers/serve-requests.js';
import { runJobInProcess } from './run-job.js';
import type { ComputeWorkerData, JobSpec } from './job-types.js';

const { projectPath } = workerStartData<ComputeWorkerData>();

serveRequests<JobSpec, unknown>(
  async (spec, ctx) => {
    const store = ProjectStore.open(projectPath);
    try {
      return await runJobInProcess(store, spec, ctx);
    } finally {
      store.close();
    }
  },
  { mapError: (e) => mapStoreError(e, projectPath) },
);
