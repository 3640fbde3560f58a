/** The application shell: start screen, setup pipeline, labeling, progress, export. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ResponseOf } from '../shared/api.js';
import { STRATEGIES, type ProjectStatus, type StrategyName } from '../shared/types.js';
import { useApi } from './api/api-context.js';
import { errorText } from './api/desktop-api.js';
import { ProjectsView } from './views/projects-view.js';
import { SetupView } from './views/setup-view.js';
import { SetupPipeline, type SetupPlan } from './lib/setup-pipeline.js';
import { PreparingBar } from './components/preparing-bar.js';
import { LabelingView } from './views/labeling-view.js';
import { ProgressView } from './views/progress-view.js';
import { ExportDialog } from './views/export-dialog.js';
import { JobCard } from './components/job-card.js';
import { useJobs, latestJob } from './lib/use-jobs.js';
import { basename } from './lib/format.js';
import { strategyLabel } from './lib/curve-series.js';

type View = { readonly name: 'projects' } | { readonly name: 'setup' } | { readonly name: 'label' } | { readonly name: 'progress' };

const NO_PIPELINE = { subscribe: () => () => undefined, getState: () => null };

export function App(): React.JSX.Element {
  const api = useApi();
  const jobs = useJobs(api);
  const [info, setInfo] = useState<ResponseOf<'app:info'> | null>(null);
  const [status, setStatus] = useState<ProjectStatus | null>(null);
  const [view, setView] = useState<View>({ name: 'projects' });
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [switching, setSwitching] = useState(false);
  // The project's setup; it outlives the setup view, so labeling can start before it ends.
  const [pipeline, setPipeline] = useState<SetupPipeline | null>(null);
  const pipelineRef = useRef<SetupPipeline | null>(null);
  const setup = useSyncExternalStore(pipeline?.subscribe ?? NO_PIPELINE.subscribe, pipeline?.getState ?? NO_PIPELINE.getState);

  const startSetup = useCallback(
    (plan: SetupPlan) => {
      // Outside a state updater: React may call an updater twice, and each
      // pipeline subscribes to progress events as it is made.
      pipelineRef.current?.dispose();
      const next = new SetupPipeline(api, plan);
      pipelineRef.current = next;
      setPipeline(next);
      setView({ name: 'setup' });
    },
    [api],
  );

  const loadInfo = useCallback(async () => {
    try {
      const i = await api.invoke('app:info', {});
      setInfo(i);
      return i;
    } catch (e) {
      setError(errorText(e));
      return null;
    }
  }, [api]);

  // Start: reattach to a project the service already has open (e.g. after a reload).
  useEffect(() => {
    void (async () => {
      const i = await loadInfo();
      if (i?.openProject) startSetup({ kind: 'open', projectPath: i.openProject });
    })();
  }, [loadInfo, startSetup]);

  const hasProject = status !== null;
  const viewName = useRef(view.name);
  viewName.current = view.name;
  useEffect(() => {
    if (!hasProject) return;
    const refresh = (): void => {
      api.invoke('project:status', {}).then(setStatus, () => undefined);
    };
    // The labeling view gets the status with each label's answer (one request per label) and refreshes it itself.
    const offs = [
      api.on('labels:changed', () => viewName.current !== 'label' && refresh()),
      api.on('curve:changed', refresh),
      api.on('order:changed', refresh),
    ];
    return () => offs.forEach((f) => f());
  }, [api, hasProject]);

  const onReady = useCallback(
    (st: ProjectStatus) => {
      setStatus(st);
      setView({ name: 'label' });
      void loadInfo();
    },
    [loadInfo],
  );

  // The setup finished while the annotator labels in the provisional order: the status now has the order.
  const setupDone = setup?.step === 'done';
  useEffect(() => {
    if (setupDone && viewName.current !== 'setup') api.invoke('project:status', {}).then(setStatus, () => undefined);
  }, [api, setupDone]);

  const closeProject = async (): Promise<void> => {
    try {
      await api.invoke('project:close', {});
    } catch {
      // closing an already closed project is fine
    }
    setStatus(null);
    pipelineRef.current?.dispose();
    pipelineRef.current = null;
    setPipeline(null);
    setView({ name: 'projects' });
    void loadInfo();
  };

  const switchStrategy = async (s: StrategyName): Promise<void> => {
    setSwitching(true);
    setError(null);
    try {
      setStatus(await api.invoke('project:set-strategy', { strategy: s }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSwitching(false);
    }
  };

  const inProject = status !== null && (view.name === 'label' || view.name === 'progress');
  const backend = info?.backend ?? status?.embedding?.backend ?? null;
  const orderJob = latestJob(jobs, 'order');

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg className="logo" viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <circle cx="16" cy="16" r="14" />
            <path d="M16 5 L21 14 L17.5 14 L17.5 26 L14.5 26 L14.5 14 L11 14 Z" />
          </svg>
          <span>Novelty Labeler</span>
        </div>
        {inProject && status && (
          <>
            <span className="project-name" title={status.path}>
              {basename(status.path)}
            </span>
            <nav className="tabs" aria-label="Views">
              <button type="button" className={view.name === 'label' ? 'tab active' : 'tab'} onClick={() => setView({ name: 'label' })}>
                Label
              </button>
              <button type="button" className={view.name === 'progress' ? 'tab active' : 'tab'} onClick={() => setView({ name: 'progress' })}>
                Progress
              </button>
            </nav>
            <div className="spacer" />
            <label className="strategy">
              Queue
              <select
                name="strategy"
                value={status.settings.strategy}
                disabled={switching}
                onChange={(e) => void switchStrategy(e.target.value as StrategyName)}
                title="Queue strategy: the order images are shown in"
              >
                {STRATEGIES.map((s) => (
                  <option key={s} value={s}>
                    {strategyLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <span className="badge" title="Compute backend used for training (the default polar Fourier embedder does not train)" data-testid="backend">
              {backend ?? 'backend: none used yet'}
            </span>
            <button type="button" className="btn small" onClick={() => setExporting(true)}>
              Export…
            </button>
            <button type="button" className="btn small ghost" onClick={() => void closeProject()}>
              Close
            </button>
          </>
        )}
      </header>
      {error && inProject && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      {switching && orderJob && !orderJob.finished && (
        <div className="floating-job">
          <JobCard job={orderJob} title="Re-ordering the queue" />
        </div>
      )}
      {view.name === 'projects' && (
        <ProjectsView
          info={info}
          error={error}
          onStart={(plan) => {
            setError(null);
            startSetup(plan);
          }}
        />
      )}
      {view.name === 'setup' && pipeline && (
        <SetupView key={pipeline.id} pipeline={pipeline} jobs={jobs} onReady={onReady} onLabelNow={onReady} onBack={() => void closeProject()} />
      )}
      {inProject && pipeline && setup && setup.step !== 'done' && (
        <PreparingBar
          state={setup}
          jobs={jobs}
          onRetry={() => pipeline.retry()}
          onCancel={(j) => void api.invoke('job:cancel', { jobId: j.jobId }).catch(() => undefined)}
        />
      )}
      {view.name === 'label' && status && <LabelingView status={status} onStatus={setStatus} onShowProgress={() => setView({ name: 'progress' })} />}
      {view.name === 'progress' && status && <ProgressView status={status} jobs={jobs} />}
      {exporting && status && <ExportDialog status={status} onClose={() => setExporting(false)} />}
    </div>
  );
}
