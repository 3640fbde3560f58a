/**
 * Dispatch a job spec to its implementation (in whatever thread calls it).
 * Each implementation is loaded when its job runs, so an import never loads
 * TensorFlow.js and its worker starts in a fraction of the time.
 */
import type { ProjectStore } from '../store/project-store.js';
import type { JobContext, JobResult, JobSpec } from './job-types.js';

export async function runJobInProcess<S extends JobSpec>(store: ProjectStore, spec: S, ctx: JobContext): Promise<JobResult<S>> {
  switch (spec.kind) {
    case 'import': {
      const { importFolder } = await import('../import/import-folder.js');
      return (await importFolder(store, spec.folder, {
        ...(spec.test ? { role: 'test' as const } : {}),
        signal: ctx.signal,
        onProgress: (done, total, message) => ctx.progress({ done, total, message }),
      })) as JobResult<S>;
    }
    case 'embed': {
      const { runEmbedJob } = await import('./embed-job.js');
      return (await runEmbedJob(store, spec, ctx)) as JobResult<S>;
    }
    case 'order': {
      const { runOrderJob } = await import('./order-job.js');
      return runOrderJob(store, spec, ctx) as JobResult<S>;
    }
    case 'evaluate': {
      const { runEvaluateJob } = await import('../eval/evaluate-job.js');
      return (await runEvaluateJob(store, spec, ctx)) as unknown as JobResult<S>;
    }
    case 'compare': {
      const { runCompareJob } = await import('../eval/compare-job.js');
      return (await runCompareJob(store, spec, ctx)) as JobResult<S>;
    }
  }
  throw new Error(`unknown job ${(spec as { kind: string }).kind}`);
}
