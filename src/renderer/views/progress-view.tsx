/**
 * Progress: the live learning curve (mean angular error vs labeled-set size,
 * per strategy, with the random baseline) and the latent map (PCA plane:
 * unlabeled, labeled, next-up, test points). Refreshes on curve, label and
 * order events.
 */
import { useCallback, useEffect, useState } from 'react';
import { MIN_RELIABLE_TEST, type CurvePoint, type JobId, type LatentPoint, type ProjectStatus } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../api/desktop-api.js';
import { LearningCurveChart } from '../components/learning-curve-chart.js';
import { LatentMap } from '../components/latent-map.js';
import { JobCard } from '../components/job-card.js';
import { latestJob, type JobState } from '../lib/use-jobs.js';
import { MIN_TEST } from '../lib/test-policy.js';

export function ProgressView(props: { status: ProjectStatus; jobs: ReadonlyMap<JobId, JobState> }): React.JSX.Element {
  const api = useApi();
  const [curve, setCurve] = useState<readonly CurvePoint[]>(props.status.curve);
  const [latent, setLatent] = useState<readonly LatentPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const load = useCallback(async () => {
    try {
      const [c, l] = await Promise.all([api.invoke('curve:get', {}), api.invoke('latent:map', {})]);
      setCurve(c);
      setLatent(l);
    } catch (e) {
      setError(errorText(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
    const offs = [
      api.on('curve:changed', (p) => setCurve(p.points)),
      api.on('labels:changed', () => void load()),
      api.on('order:changed', () => void load()),
    ];
    return () => offs.forEach((f) => f());
  }, [api, load]);

  const retrain = async (): Promise<void> => {
    setRunning(true);
    setError(null);
    try {
      await api.invoke('evaluate:run', {});
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };

  const evalJob = latestJob(props.jobs, 'evaluate');
  const st = props.status;
  const period = st.settings.axial ? 180 : 360;
  const live = curve.filter((p) => p.source === 'live');
  const last = live[live.length - 1];
  return (
    <main className="progress-view">
      <section className="panel curve-panel">
        <header className="panel-head">
          <div>
            <h2>Learning curve</h2>
            <p className="muted small">
              Mean angular error of the orientation model (
              <span data-testid="orientation-model">
                {st.settings.orientationModel === 'exemplar'
                  ? 'exemplar: nearest labeled image, matched over all turns'
                  : st.settings.orientationModel === 'aligned-exemplar'
                    ? 'aligned exemplar: nearest labeled image, centred on its centroid, matched over all turns'
                    : 'regressor fine-tuned from the encoder'}
              </span>
              ) on the labeled test split ({st.testSplit.labeled} of {st.testSplit.size} test images labeled), by
              labeled-set size. Retrained in the background as labels arrive (from {MIN_TEST} test labels).
            </p>
          </div>
          <button type="button" className="btn" disabled={running || (evalJob !== null && !evalJob.finished)} onClick={() => void retrain()}>
            {running ? 'Retraining…' : 'Retrain now'}
          </button>
        </header>
        <LearningCurveChart points={curve} period={period} />
        <p className="muted small" data-testid="curve-summary">
          {curve.length} point{curve.length === 1 ? '' : 's'}
          {last ? ` · latest: ${last.maeDeg.toFixed(1)}° mean error at ${last.size} labels (${last.strategy})` : ''}
        </p>
        {st.testSplit.labeled > 0 && st.testSplit.labeled < MIN_RELIABLE_TEST && (
          <p className="muted small" data-testid="curve-noise-note">
            Only {st.testSplit.labeled} labeled test images: each point can move by several degrees from noise alone.{' '}
            {st.testSplit.labeled < st.testSplit.size
              ? `The app keeps asking for test labels; from ${MIN_RELIABLE_TEST} on the curve is steady enough to compare strategies.`
              : `The test split holds only ${st.testSplit.size} images; a larger test fraction (a new project) gives a steadier curve.`}
          </p>
        )}
        {evalJob && !evalJob.finished && <JobCard job={evalJob} />}
        {error && (
          <p className="error-banner small" role="alert">
            {error}
          </p>
        )}
      </section>
      <section className="panel latent-panel">
        <header className="panel-head">
          <div>
            <h2>Latent map</h2>
            <p className="muted small">
              The embeddings on their first two principal components{st.embedding ? ` (${st.embedding.count} images, ${st.embedding.latentDim}-d latent space)` : ''}. Novelty
              order spreads the labels over the whole map.
            </p>
          </div>
        </header>
        {latent ? <LatentMap points={latent} /> : <p className="muted">Loading…</p>}
      </section>
    </main>
  );
}
