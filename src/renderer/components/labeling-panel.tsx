/**
 * The labeling side panel: the angle, the model's guess line, the actions,
 * the facts about the image on screen (source, queue position, novelty) and
 * the project's counts, the status line and errors.
 */
import type { AnglePeriod, Degrees } from '../../shared/angle.js';
import type { ProjectStatus, QueueEntry } from '../../shared/types.js';
import { formatAngle } from '../lib/angle-ui.js';
import { CANVAS_NAMES, type CanvasBackground } from '../lib/canvas-background.js';
import { strategyLabel } from '../lib/curve-series.js';
import type { Shown } from '../lib/labeling-session.js';
import { MiddleEllipsis } from './middle-ellipsis.js';

export interface LabelingPanelProps {
  readonly status: ProjectStatus;
  readonly current: Shown | null;
  readonly angle: Degrees;
  readonly period: AnglePeriod;
  /** Whether the annotator has set the angle of the image on screen. */
  readonly touched: boolean;
  readonly useGuess: boolean;
  readonly busy: boolean;
  readonly message: string;
  readonly error: string | null;
  readonly background: CanvasBackground;
  readonly onUseGuess: (on: boolean) => void;
  readonly onAccept: () => void;
  readonly onNone: () => void;
  readonly onSkip: () => void;
  readonly onUndo: () => void;
  readonly onBackground: () => void;
  readonly onHelp: () => void;
}

export function LabelingPanel(props: LabelingPanelProps): React.JSX.Element {
  const { current, period } = props;
  const st = props.status;
  const live = st.curve.filter((p) => p.source === 'live');
  const latestLive = live[live.length - 1] ?? null;
  const isTest = current?.mode === 'test';
  const entry = current?.entry ?? null;
  const guess = current?.guess && current.guess.angle !== null ? current.guess : null;
  const fromLabels = guess ? `match ${guess.similarity!.toFixed(2)}, from ${guess.exemplars} ${guess.exemplars === 1 ? 'label' : 'labels'}` : '';
  const novelty = entry && !isTest ? noveltyOf(entry) : null;
  return (
    <aside className="side-panel">
      <div className="angle-readout" data-testid="angle-readout" aria-live="polite">
        {formatAngle(props.angle)}
      </div>
      <p className="muted small">clockwise from image up{period === 180 ? ' · axial, [0°, 180°)' : ''}</p>
      {/* A fixed three-line slot: the guess arriving (or a test image) never moves the buttons below. */}
      <p
        className="guess small"
        data-testid="guess-line"
        title="The model's guess is the angle of the most similar labeled image, matched over all turns; Enter accepts, arrows or drag adjust"
      >
        {isTest ? (
          <span className="muted">Test image: starts at 0° with no guess, so its label stays independent of the model</span>
        ) : guess && props.useGuess && current?.guessApplied ? (
          <span data-testid="angle-guess">
            Started at the model&apos;s guess {formatAngle(guess.angle!)} ({fromLabels}){props.touched ? '; you have changed it' : ''}
          </span>
        ) : guess && props.useGuess ? (
          <span data-testid="angle-guess" data-late="true">
            The model&apos;s guess {formatAngle(guess.angle!)} ({fromLabels}) came after you set the angle; your angle is kept
          </span>
        ) : current?.restored ? (
          <span className="muted">Back after undo, at the angle its label had; set it again</span>
        ) : current && props.useGuess && current.mode === 'queue' ? (
          <span className="muted">
            No guess for this image yet (
            {st.labeled - st.labeledNone + st.testSplit.labeled > 0 ? 'it shows here when the model has matched it' : 'no labeled image to match'})
          </span>
        ) : null}
      </p>
      <label className="guess-toggle small">
        <input
          type="checkbox"
          data-testid="guess-toggle"
          checked={props.useGuess}
          onChange={(e) => {
            props.onUseGuess(e.currentTarget.checked);
            e.currentTarget.blur(); // Enter and Space go back to labeling
          }}
        />{' '}
        Start at the model&apos;s guess
      </label>
      <div className="actions">
        <button type="button" className="btn primary" disabled={!current || props.busy} onClick={props.onAccept}>
          Accept <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn wide" disabled={!current || props.busy} onClick={props.onNone}>
          No orientation <kbd>N</kbd>
        </button>
        <button type="button" className="btn" disabled={!current || props.busy} onClick={props.onSkip}>
          Skip <kbd>S</kbd>
        </button>
        <button type="button" className="btn" disabled={props.busy} onClick={props.onUndo}>
          Undo <kbd>U</kbd>
        </button>
      </div>
      <dl className="facts">
        <div>
          <dt>Source</dt>
          <dd data-testid="mode">
            {isTest
              ? 'test split (random order)'
              : st.order
                ? strategyLabel(st.order.strategy)
                : st.provisional
                  ? 'provisional order (the novelty order is not ready yet)'
                  : '–'}
          </dd>
        </div>
        <div>
          <dt>Queue position</dt>
          <dd data-testid="queue-position">{entry && !isTest && st.order && entry.rank >= 0 ? `#${entry.rank + 1} of ${st.order.length}` : '–'}</dd>
        </div>
        <div>
          <dt>Novelty</dt>
          <dd
            data-testid="coverage-radius"
            className="novelty"
            title={
              novelty?.share != null
                ? `Coverage radius ${entry!.coverageRadius!.toFixed(3)} latent units: how far this image is from the nearest image picked or labeled before it, in the project's latent space. ` +
                  `Shown as a share of the largest radius in this order (${novelty.scale!.toFixed(3)}, its most novel pick): 100 % is as novel as that pick; near 0 % means something very like it is already in the labeled set.`
                : 'How far this image is from everything picked or labeled before it, in the latent space (furthest point sampling shows the most novel first)'
            }
          >
            {novelty?.share != null ? (
              <>
                <span className="novelty-bar" aria-hidden="true">
                  <span style={{ width: `${Math.round(novelty.share * 100)}%` }} />
                </span>{' '}
                {Math.round(novelty.share * 100)} %
              </>
            ) : (
              (novelty?.text ?? '–')
            )}
          </dd>
        </div>
        <div>
          <dt>Left in queue</dt>
          <dd>{st.order?.remaining ?? st.provisional?.remaining ?? '–'}</dd>
        </div>
        <div>
          <dt>Labeled</dt>
          <dd data-testid="labeled-count">
            {st.labeled} training · {st.testSplit.labeled}/{st.testSplit.size} test
          </dd>
        </div>
        <div>
          <dt>Model error</dt>
          <dd
            data-testid="latest-error"
            title="Mean angular error on the labeled test split at the latest learning-curve point; the model is retrained in the background from 10 training and 10 test labels on"
          >
            {latestLive ? `${latestLive.maeDeg.toFixed(1)}° at ${latestLive.size} labels` : 'not yet'}
          </dd>
        </div>
        <div>
          <dt>File</dt>
          <dd className="path">{entry ? <MiddleEllipsis text={entry.relPath} testId="file-name" /> : '–'}</dd>
        </div>
      </dl>
      <p className="status-line" aria-live="polite" data-testid="status-line">
        {props.message}
      </p>
      {props.error && (
        <p className="error-banner small" role="alert">
          {props.error}
        </p>
      )}
      <button
        type="button"
        className="link canvas-toggle small"
        data-testid="canvas-toggle"
        onClick={props.onBackground}
        title="The background behind transparent pixels (remembered for this project)"
      >
        Background: {CANVAS_NAMES[props.background]} <kbd>B</kbd>
      </button>
      <button type="button" className="link help-link" onClick={props.onHelp}>
        Keyboard shortcuts <kbd>?</kbd>
      </button>
    </aside>
  );
}

/** The coverage radius as a share of the order's largest, or a word when there is none. */
function noveltyOf(entry: QueueEntry): { share: number | null; scale: number | null; text: string } {
  const r = entry.coverageRadius;
  const scale = entry.radiusScale ?? null;
  if (r != null && scale != null && scale > 0) return { share: Math.max(0, Math.min(1, r / scale)), scale, text: '' };
  if (r == null && entry.rank === 0 && entry.arm !== 'random') return { share: null, scale, text: 'first pick' };
  if (entry.arm === 'random') return { share: null, scale, text: 'random pick' };
  return { share: null, scale, text: '–' };
}
