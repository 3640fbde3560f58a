/**
 * Project setup with progress: create or open the project, import the
 * folder, embed the images (the project's embedder), compute the queue order
 * (the steps run in SetupPipeline, which outlives this view). Each long step
 * shows count, rate, time left (and the loss per epoch) and can be
 * cancelled; unreadable files are listed with the decoder's reason. As soon as
 * the first images are in, labeling can start in a provisional order while
 * the steps go on.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { ProjectStatus } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { JobCard } from '../components/job-card.js';
import { latestJob, type JobState } from '../lib/use-jobs.js';
import type { SetupPipeline, SetupStep } from '../lib/setup-pipeline.js';
import type { JobId } from '../../shared/types.js';

export type { SetupPlan } from '../lib/setup-pipeline.js';

export function SetupView(props: {
  pipeline: SetupPipeline;
  jobs: ReadonlyMap<JobId, JobState>;
  onReady: (status: ProjectStatus) => void;
  /** Label now, in the provisional order, while the steps go on. */
  onLabelNow: (status: ProjectStatus) => void;
  onBack: () => void;
}): React.JSX.Element {
  const api = useApi();
  const pipeline = props.pipeline;
  const { step, error, report, testReport, status, canLabel } = useSyncExternalStore(pipeline.subscribe, pipeline.getState);
  const startedAt = useRef(Date.now());
  const { onReady } = props;
  useEffect(() => pipeline.start(), [pipeline]);

  const unreadable = [...(report?.unreadable ?? []), ...(testReport?.unreadable ?? [])];
  useEffect(() => {
    if (step === 'done' && status && unreadable.length === 0) onReady(status);
  }, [step, status, unreadable.length, onReady]);

  const jobOf = (stage: 'import' | 'embed' | 'order'): JobState | null => {
    const j = latestJob(props.jobs, stage);
    return j && j.startedAt >= startedAt.current - 1000 ? j : null;
  };
  const cancel = (j: JobState | null) => (j ? () => void api.invoke('job:cancel', { jobId: j.jobId }) : undefined);
  const plan = pipeline.plan;
  const steps: readonly { id: SetupStep; name: string }[] = [
    { id: 'project', name: plan.kind === 'create' ? 'Create project' : 'Open project' },
    ...(plan.kind !== 'open' ? [{ id: 'import' as const, name: 'Import images' }] : []),
    { id: 'embed', name: 'Embed the images' },
    { id: 'order', name: 'Order queue' },
  ];
  const order: SetupStep[] = ['project', 'import', 'embed', 'order', 'done'];
  const early = canLabel && status !== null && step !== 'project' && step !== 'done' && !error;

  return (
    <main className="setup-view" data-step={step}>
      <h1>{plan.kind === 'create' ? 'New project' : plan.kind === 'demo' ? 'Demo project' : 'Opening project'}</h1>
      <p className="muted path">{plan.projectPath}</p>
      <ol className="steps">
        {steps.map((s) => {
          const state = order.indexOf(step) > order.indexOf(s.id) ? 'done' : step === s.id ? (error ? 'failed' : 'active') : 'todo';
          return (
            <li key={s.id} className={`step ${state}`}>
              {s.name}
            </li>
          );
        })}
      </ol>
      <div className="job-cards">
        {(['import', 'embed', 'order'] as const).map((stage) => {
          const j = jobOf(stage);
          return j ? <JobCard key={stage} job={j} onCancel={cancel(j)} /> : null;
        })}
      </div>
      {early && (
        <section className="card label-now" aria-label="Label now">
          <p>
            Labeling can start now: until the novelty order is ready, images come in a provisional order (spread evenly over the folder as it is imported) and
            test images come first, as the learning curve needs them. Every label is kept, and the novelty order takes it into account.
          </p>
          <button type="button" className="btn primary" autoFocus onClick={() => props.onLabelNow(status)}>
            Start labeling now
          </button>
        </section>
      )}
      {report && (
        <section className="card import-summary" aria-label="Import summary">
          <h2>Import</h2>
          <p>
            {report.scanned} files scanned · {report.added} added · {report.ready} ready · {report.unreadable.length} unreadable
            {report.duplicates > 0
              ? ` · ${report.duplicates} ${report.duplicates === 1 ? 'is an exact duplicate' : 'are exact duplicates'} (same content as another image: ` +
                `the copy already there stands for ${report.duplicates === 1 ? 'it' : 'them'} in training and in the queue, so ${report.ready - report.duplicates} distinct images are used)`
              : ' · no exact duplicates'}
            {report.skippedExisting > 0 ? ` · ${report.skippedExisting} already in the project` : ''}
          </p>
          {testReport && (
            <p>
              Test folder {testReport.folder}: {testReport.ready} ready · {testReport.unreadable.length} unreadable; these images are the test split (never
              queued)
            </p>
          )}
          {unreadable.length > 0 && (
            <table className="unreadable" aria-label="Unreadable files">
              <thead>
                <tr>
                  <th>File</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {unreadable.map((u) => (
                  <tr key={u.path}>
                    <td className="path">{u.path}</td>
                    <td>{u.error}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {error && (
        <div className={error.cancelled ? 'notice' : 'error-banner'} role="alert">
          <p>{error.cancelled ? `Cancelled: ${error.text}` : error.text}</p>
          <div className="row">
            <button type="button" className="btn" onClick={() => pipeline.retry()}>
              Retry
            </button>
            <button type="button" className="btn" onClick={props.onBack}>
              Back to projects
            </button>
          </div>
        </div>
      )}
      {step === 'done' && status && unreadable.length > 0 && (
        <button type="button" className="btn primary" autoFocus onClick={() => onReady(status)}>
          Start labeling
        </button>
      )}
    </main>
  );
}
