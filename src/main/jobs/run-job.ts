/** Dispatch a job spec to its implementation (in whatever thread calls it). */
import type { ProjectStore } from '../store/project-store.js';
import type { JobContext, JobResult, JobSpec } from './job-types.js';
import { importFolder } from '../import/import-folder.js';
import { runEmbedJob } from './embed-job.js';
import { runOrderJob } from './order-job.js';
import { runEvaluateJob } from '../eval/evaluate-job.js';
import { runCompareJob } from '../eval/compare-job.js';

export async function runJobInProcess<S extends JobSpec>(store: ProjectStore, spec: S, ctx: JobContext): Promise<JobResult<S>> {
  switch (spec.kind) {
    case 'import':
      return (await importFolder(store, spec.folder, {
        ...(spec.test ? { role: 'test' as const } : {}),
        signal: ctx.signal,
        onProgress: (done, total, message) => ctx.progress({ done, total, message }),
      })) as JobResult<S>;
    case 'embed':
      return (await runEmbedJob(store, spec, ctx)) as JobResult<S>;
    case 'order':
      return runOrderJob(store, spec, ctx) as JobResult<S>;
    case 'evaluate':
      return (await runEvaluateJob(store, spec, ctx)) as unknown as JobResult<S>;
    case 'compare':
      return (await runCompareJob(store, spec, ctx)) as JobResult<S>;
  }
  throw new Error(`unknown job ${(spec as { kind: string }).kind}`);
}
