/** Progress of one long job: bar with count, rate, time left, loss per epoch, cancel. */
import { useEffect, useState } from 'react';
import type { JobState } from '../lib/use-jobs.js';
import { jobRate, jobSecondsLeft } from '../lib/use-jobs.js';
import { formatDuration, formatRate } from '../lib/format.js';

const UNIT: Record<string, string> = {
  import: 'images',
  embed: 'epochs',
  order: 'images',
  evaluate: 'models',
  compare: 'models',
  export: 'images',
  demo: 'steps',
};
const TITLE: Record<string, string> = {
  import: 'Importing images',
  embed: 'Embedding the images',
  order: 'Ordering the queue',
  evaluate: 'Retraining the orientation model',
  compare: 'Comparing strategies',
  export: 'Exporting',
  demo: 'Preparing the demo',
};

export function JobCard(props: { job: JobState; onCancel?: (() => void) | undefined; title?: string }): React.JSX.Element {
  const { job } = props;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (job.finished) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [job.finished]);
  const unit = job.unit ?? UNIT[job.stage] ?? 'items';
  const frac = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  const rate = jobRate(job, now);
  const left = jobSecondsLeft(job, now);
  const lastLoss = job.losses[job.losses.length - 1];
  const state = job.finished ? (job.error ? (job.error.code === 'cancelled' ? 'cancelled' : 'failed') : 'done') : 'running';
  return (
    <section className={`job-card job-${state}`} data-stage={job.stage} data-state={state} aria-label={TITLE[job.stage] ?? job.stage}>
      <header>
        <h3>{props.title ?? TITLE[job.stage] ?? job.stage}</h3>
        <span className="job-state">{state}</span>
      </header>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
        <div className="progress-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <dl className="job-figures">
        <div>
          <dt>Progress</dt>
          <dd className="job-count">
            {job.done} / {job.total} {unit}
          </dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{rate === null ? '–' : formatRate(rate, unit)}</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{job.finished ? '0 s' : left === null ? '–' : formatDuration(left)}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{formatDuration((Math.max(now, job.updatedAt) - job.startedAt) / 1000)}</dd>
        </div>
        {lastLoss !== undefined && (
          <div>
            <dt>Loss</dt>
            <dd className="job-loss">{lastLoss.toFixed(5)}</dd>
          </div>
        )}
      </dl>
      <p className="job-message">{job.error ? job.error.message : job.message}</p>
      {job.losses.length > 0 && (
        <ol className="loss-list" aria-label="loss per epoch">
          {job.losses.map((l, i) => (
            <li key={i}>
              <span>epoch {i + 1}</span>
              <span>{l.toFixed(5)}</span>
            </li>
          ))}
        </ol>
      )}
      {props.onCancel && !job.finished && (
        <button type="button" className="btn danger" onClick={props.onCancel}>
          Cancel
        </button>
      )}
    </section>
  );
}
