/**
 * Project setup pipeline with progress: create or open the project, import the
 * folder, embed the images (the project's embedder), compute the queue order. Each
 * long step shows count, rate, time left (and the loss per epoch) and can be
 * cancelled; unreadable files are listed with the decoder's reason.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportReport, ProjectSettings, ProjectStatus } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { errorCode, errorText } from '../api/desktop-api.js';
import { JobCard } from '../components/job-card.js';
import { latestJob, type JobState } from '../lib/use-jobs.js';
import type { JobId } from '../../shared/types.js';

export type SetupPlan =
  | {
      readonly kind: 'create';
      readonly projectPath: string;
      readonly folder: string;
      /** A folder imported as the test split (never queued). */
      readonly testFolder?: string;
      readonly settings: Partial<ProjectSettings>;
      readonly epochs?: number;
    }
  | { readonly kind: 'open'; readonly projectPath: string; readonly epochs?: number }
  /** The bundled demo: open its project when it exists, else create it from the demo folder. */
  | { readonly kind: 'demo'; readonly projectPath: string; readonly folder: string };

type Step = 'project' | 'import' | 'embed' | 'order' | 'done';

export function SetupView(props: {
  plan: SetupPlan;
  jobs: ReadonlyMap<JobId, JobState>;
  onReady: (status: ProjectStatus) => void;
  onBack: () => void;
}): React.JSX.Element {
  const api = useApi();
  const [step, setStep] = useState<Step>('project');
  const [error, setError] = useState<{ text: string; cancelled: boolean } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [testReport, setTestReport] = useState<ImportReport | null>(null);
  const [status, setStatus] = useState<ProjectStatus | null>(null);
  const [attempt, setAttempt] = useState(0);
  const startedAt = useRef(Date.now());
  const ran = useRef(-1);
  const { onReady } = props;

  const run = useCallback(async () => {
    setError(null);
    try {
      let st: ProjectStatus;
      setStep('project');
      let plan: SetupPlan = props.plan;
      if (plan.kind === 'demo') {
        const demo = plan;
        try {
          await api.invoke('project:open', { path: demo.projectPath });
          plan = { kind: 'open', projectPath: demo.projectPath };
        } catch (e) {
          if (errorCode(e) !== 'not-found') throw e;
          plan = { kind: 'create', projectPath: demo.projectPath, folder: demo.folder, settings: { inputSize: 32 } };
        }
      }
      if (plan.kind === 'create') {
        // A retry after a failed import reopens the project instead of creating it again.
        st =
          attempt > 0 && status
            ? await api.invoke('project:open', { path: status.path })
            : await api.invoke('project:create', { path: plan.projectPath, settings: plan.settings, folder: plan.folder });
        setStatus(st);
        if (!report || attempt === 0) {
          setStep('import');
          const r = await api.invoke('images:import', { folder: plan.folder });
          setReport(r);
          if (plan.testFolder) {
            const t = await api.invoke('images:import', { folder: plan.testFolder, test: true });
            setTestReport(t);
          }
        }
        st = await api.invoke('project:status', {});
      } else {
        st = await api.invoke('project:open', { path: plan.projectPath });
      }
      setStatus(st);
      if (st.images.ready === 0) throw new Error('The project has no readable images; import a folder with images (jpg, png, webp, tiff, gif, bmp, avif).');
      if (!st.embedding) {
        setStep('embed');
        await api.invoke('embed:run', plan.epochs !== undefined ? { epochs: plan.epochs } : {});
        st = await api.invoke('project:status', {});
      }
      if (!st.order) {
        setStep('order');
        await api.invoke('order:run', {});
        st = await api.invoke('project:status', {});
      }
      setStatus(st);
      setStep('done');
    } catch (e) {
      setError({ text: errorText(e), cancelled: errorCode(e) === 'cancelled' });
    }
  }, [api, props.plan, attempt, status, report]);

  useEffect(() => {
    if (ran.current === attempt) return;
    ran.current = attempt;
    void run();
  }, [run, attempt]);

  const unreadable = [...(report?.unreadable ?? []), ...(testReport?.unreadable ?? [])];
  useEffect(() => {
    if (step === 'done' && status && unreadable.length === 0) onReady(status);
  }, [step, status, unreadable.length, onReady]);

  const jobOf = (stage: 'import' | 'embed' | 'order'): JobState | null => {
    const j = latestJob(props.jobs, stage);
    return j && j.startedAt >= startedAt.current - 1000 ? j : null;
  };
  const cancel = (j: JobState | null) => (j ? () => void api.invoke('job:cancel', { jobId: j.jobId }) : undefined);
  const steps: readonly { id: Step; name: string }[] = [
    { id: 'project', name: props.plan.kind === 'create' ? 'Create project' : 'Open project' },
    ...(props.plan.kind !== 'open' ? [{ id: 'import' as const, name: 'Import images' }] : []),
    { id: 'embed', name: 'Embed the images' },
    { id: 'order', name: 'Order queue' },
  ];
  const order: Step[] = ['project', 'import', 'embed', 'order', 'done'];

  return (
    <main className="setup-view" data-step={step}>
      <h1>{props.plan.kind === 'create' ? 'New project' : props.plan.kind === 'demo' ? 'Demo project' : 'Opening project'}</h1>
      <p className="muted path">{props.plan.projectPath}</p>
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
            <button type="button" className="btn" onClick={() => setAttempt((a) => a + 1)}>
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
