/**
 * Progress: the live learning curve (mean angular error vs labeled-set size,
 * per strategy, with the random baseline, 95 % intervals and the chance
 * level; "not learned yet" while the latest point is at chance), the last
 * compare's verdict (the same sentence and codes as its verdict.json, with the
 * coverage of the variety when groups were known) and the latent map (PCA
 * plane: unlabeled, labeled, next-up, test points). Refreshes on curve, label
 * and order events.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  MIN_RELIABLE_TEST,
  type CompareVerdictReport,
  type CurvePoint,
  type JobId,
  type LatentPoint,
  type ProjectStatus,
  type VerdictCode,
} from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../api/desktop-api.js';
import { LearningCurveChart } from '../components/learning-curve-chart.js';
import { LatentMap } from '../components/latent-map.js';
import { JobCard } from '../components/job-card.js';
import { latestJob, type JobState } from '../lib/use-jobs.js';
import { MIN_TEST } from '../../shared/test-cadence.js';
import { strategyLabel } from '../lib/curve-series.js';

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
    const offs = [api.on('curve:changed', (p) => setCurve(p.points)), api.on('labels:changed', () => void load()), api.on('order:changed', () => void load())];
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
              ) on the labeled test split ({st.testSplit.labeled} of {st.testSplit.size} test images labeled), by labeled-set size. Retrained in the background
              as labels arrive (from {MIN_TEST} test labels).
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
          {last && last.ciLow !== undefined && last.ciHigh !== undefined ? `, 95 % interval ${last.ciLow.toFixed(1)}–${last.ciHigh.toFixed(1)}°` : ''}
        </p>
        {last && last.ciHigh !== undefined && last.chanceDeg !== undefined && last.ciHigh >= last.chanceDeg && (
          <p className="small not-learned-note" data-testid="curve-not-learned">
            Not learned yet: the latest error is within its 95 % interval of chance ({last.chanceDeg.toFixed(1)}°, what a guess that knows nothing scores on
            these test images). More labels, or a check of the angles, come before any reading of the curve.
          </p>
        )}
        {st.compareVerdict && <CompareVerdict report={st.compareVerdict} />}
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
              The embeddings on their first two principal components
              {st.embedding ? ` (${st.embedding.count} images, ${st.embedding.latentDim}-d latent space)` : ''}. Novelty order spreads the labels over the whole
              map.
            </p>
          </div>
        </header>
        {latent ? <LatentMap points={latent} /> : <p className="muted">Loading…</p>}
      </section>
    </main>
  );
}

/** A labels-saved share in words: "15 % fewer" or "8 % more". */
const savedText = (x: number): string => (x >= 0 ? `${Math.round(x * 100)} % fewer` : `${Math.round(-x * 100)} % more`);

const CODE_TEXT: Record<VerdictCode, string> = {
  saves: 'saves labels',
  worse: 'worse than random',
  'no-difference': 'no difference shown',
  'not-learned': 'not learned yet',
  'too-few-test': 'too few test images',
};

/** The last compare's verdict: the sentence compare printed, one code per strategy, and coverage of the variety. */
function CompareVerdict(props: { report: CompareVerdictReport }): React.JSX.Element {
  const r = props.report;
  const sizes = [...new Set(r.strategies.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  return (
    <div className="verdict" data-testid="compare-verdict">
      <strong>Last compare</strong>{' '}
      <span className="muted small">
        ({r.testSize} test images, chance level {r.chance.chanceDeg.toFixed(1)}°, 95 % intervals)
      </span>
      <p className="small" data-testid="compare-verdict-sentence">
        {r.sentence}
      </p>
      <div className="codes">
        {r.strategies.map((s) => (
          <span key={s.strategy} className={`code ${s.code}`} data-strategy={s.strategy} data-code={s.code}>
            {strategyLabel(s.strategy)}: {s.strategy === r.reference && s.code === 'no-difference' ? 'reference' : CODE_TEXT[s.code]}
            {s.labelsToReach && s.labelsToReach.savedShare !== null && s.strategy !== r.reference
              ? ` (${savedText(s.labelsToReach.savedShare)} labels; 95 % interval ${s.labelsToReach.savedHigh === null ? '' : `up to ${savedText(s.labelsToReach.savedHigh)}`}${s.labelsToReach.savedLow === null ? ', possibly never reaching random' : ` down to ${savedText(s.labelsToReach.savedLow)}`})`
              : ''}
          </span>
        ))}
      </div>
      {r.groups && (
        <>
          <p className="muted small">
            Distinct {/(s|x|ch|sh)$/.test(r.groups.column) ? `${r.groups.column}es` : `${r.groups.column}s`} among the first n labels ({r.groups.inPool} in the
            pool
            {r.groups.nearestNeighbourSameGroup !== null
              ? `; nearest neighbour in the embedding of the same ${r.groups.column} for ${Math.round(r.groups.nearestNeighbourSameGroup * 100)} % of images` +
                (r.groups.nearestNeighbourCeiling != null ? ` (at most ${Math.round(r.groups.nearestNeighbourCeiling * 100)} % possible)` : '')
              : ''}
            )
          </p>
          <table className="coverage-table" data-testid="group-coverage">
            <thead>
              <tr>
                <th>n</th>
                {sizes.map((n) => (
                  <th key={n}>{n}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.strategies.map((s) => (
                <tr key={s.strategy}>
                  <td>{strategyLabel(s.strategy)}</td>
                  {sizes.map((n) => {
                    const g = s.points.find((p) => p.size === n)?.groups;
                    return (
                      <td
                        key={n}
                        title={
                          g && g.perSeed.length > 1 ? `95 % interval ${g.ciLow.toFixed(1)}–${g.ciHigh.toFixed(1)} over ${g.perSeed.length} seeds` : undefined
                        }
                      >
                        {g ? (Number.isInteger(g.mean) ? g.mean : g.mean.toFixed(1)) : ''}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr>
                <td>oracle min(n, {r.groups.inPool})</td>
                {sizes.map((n) => (
                  <td key={n}>{r.groups!.oracle.find((o) => o.size === n)?.groups ?? ''}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
