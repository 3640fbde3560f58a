/**
 * While the project's setup goes on behind the labeling view (labeling
 * started early): which step runs and how far it is, that the queue is
 * provisional until the novelty order is ready, and a failed step's error
 * with Retry.
 */
import type { JobId } from '../../shared/types.js';
import type { SetupState } from '../lib/setup-pipeline.js';
import { latestJob, jobSecondsLeft, type JobState } from '../lib/use-jobs.js';
import { formatDuration } from '../lib/format.js';

const STEP_TEXT: Record<string, string> = {
  project: 'opening the project',
  import: 'importing the images',
  embed: 'embedding the images',
  order: 'computing the novelty order',
};

export function PreparingBar(props: {
  state: SetupState;
  jobs: ReadonlyMap<JobId, JobState>;
  onRetry: () => void;
  onCancel: (job: JobState) => void;
}): React.JSX.Element {
  const { state } = props;
  const stage = state.step === 'import' || state.step === 'embed' || state.step === 'order' ? state.step : null;
  const job = stage ? latestJob(props.jobs, stage) : null;
  const running = job && !job.finished ? job : null;
  const left = running ? jobSecondsLeft(running) : null;
  if (state.error) {
    return (
      <div className="preparing-bar failed" role="alert">
        <span>
          Setup stopped while {STEP_TEXT[state.step] ?? state.step}: {state.error.text}. The queue stays provisional; your labels are kept.
        </span>
        <button type="button" className="btn small" onClick={props.onRetry}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="preparing-bar" role="status" aria-label="Setup in progress">
      <span>
        Provisional order while {STEP_TEXT[state.step] ?? state.step}
        {running && running.total > 0 ? ` (${running.done} of ${running.total}${left !== null ? `, about ${formatDuration(left)} left` : ''})` : ''}: images are
        spread evenly over the folder; the novelty order replaces it when ready, keeping every label.
      </span>
      {running && <progress max={Math.max(1, running.total)} value={running.done} aria-label={`${stage} progress`} />}
      {running && (
        <button type="button" className="btn small" onClick={() => props.onCancel(running)}>
          Cancel
        </button>
      )}
    </div>
  );
}
