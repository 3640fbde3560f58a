/**
 * The labeling stage: the image on screen (the prefetched one is already in
 * the page, hidden, so it shows the moment its turn comes), the canvas
 * backdrop behind transparent pixels, the arrow, and the test-image banner.
 */
import { useRef, useState } from 'react';
import type { AnglePeriod, Degrees } from '../../shared/angle.js';
import type { ImageId } from '../../shared/types.js';
import { containRect, type CanvasBackground } from '../lib/canvas-background.js';
import type { Shown } from '../lib/labeling-session.js';
import { useSize } from '../lib/use-size.js';
import { AngleOverlay } from './angle-overlay.js';

export interface LabelingStageProps {
  readonly current: Shown | null;
  readonly upcoming: Shown | null;
  readonly angle: Degrees;
  readonly period: AnglePeriod;
  readonly busy: boolean;
  readonly loading: boolean;
  readonly finished: boolean;
  readonly error: string | null;
  readonly background: CanvasBackground;
  readonly imageUrl: (id: ImageId) => string;
  readonly onAngle: (angle: Degrees) => void;
  readonly onShowProgress: () => void;
}

export function LabelingStage(props: LabelingStageProps): React.JSX.Element {
  const { current, upcoming, background } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const box = useSize(boxRef);
  const [smallIds, setSmallIds] = useState<ReadonlySet<number>>(new Set());
  /** Decoded size of each image shown, to fit its background to it. */
  const [dims, setDims] = useState<ReadonlyMap<number, readonly [number, number]>>(new Map());
  const isTest = current?.mode === 'test';
  const entry = current?.entry ?? null;
  const natural = entry ? (dims.get(entry.imageId) ?? (entry.width && entry.height ? ([entry.width, entry.height] as const) : null)) : null;
  const frame = natural ? containRect(natural[0], natural[1], box.width, box.height) : { left: 0, top: 0, width: box.width, height: box.height };
  return (
    <div className={`stage${isTest ? ' test' : ''}`} data-testid="stage" data-image-id={entry?.imageId ?? ''} data-mode={current?.mode ?? ''}>
      {/* The banner's row is always there, so a test image does not move the image under the pointer. */}
      <div className={`test-banner${isTest ? '' : ' empty'}`} data-testid={isTest ? 'test-banner' : undefined} aria-hidden={!isTest}>
        {isTest ? <>TEST IMAGE · held out to measure the model&apos;s error · label it like any other</> : '\u00a0'}
      </div>
      <div className="image-box" ref={boxRef}>
        {current && (
          <div
            className={`image-backdrop canvas-${background}`}
            data-testid="image-backdrop"
            data-background={background}
            style={{ left: frame.left, top: frame.top, width: frame.width, height: frame.height }}
          />
        )}
        {[current, upcoming]
          .filter((s): s is Shown => s !== null)
          .filter((s, i, arr) => arr.findIndex((o) => o.entry.imageId === s.entry.imageId) === i)
          .map((s) => (
            <img
              key={s.entry.imageId}
              className={`${s === current ? 'label-image' : 'prefetch'}${smallIds.has(s.entry.imageId) ? ' small-source' : ''}`}
              data-testid={s === current ? 'label-image' : 'prefetch-image'}
              src={props.imageUrl(s.entry.imageId)}
              alt={s === current ? s.entry.relPath : ''}
              aria-hidden={s !== current}
              draggable={false}
              onLoad={(e) => {
                // tiny sources (e.g. 28-64 px crops) look sharper upscaled without smoothing
                const img = e.currentTarget;
                const w = img.naturalWidth;
                const h = img.naturalHeight;
                if (Math.max(w, h) < 256) setSmallIds((prev) => new Set(prev).add(s.entry.imageId));
                setDims((prev) =>
                  prev.get(s.entry.imageId)?.[0] === w && prev.get(s.entry.imageId)?.[1] === h ? prev : new Map(prev).set(s.entry.imageId, [w, h]),
                );
              }}
            />
          ))}
        {current && <AngleOverlay angle={props.angle} period={props.period} onChange={props.onAngle} disabled={props.busy} />}
      </div>
      {props.loading && <div className="stage-message">Loading…</div>}
      {!props.loading && props.finished && !props.error && (
        <div className="stage-message">
          <h2>Queue finished</h2>
          <p>Every image of the queue is labeled or skipped.</p>
          <button type="button" className="btn primary" onClick={props.onShowProgress}>
            See the learning curve
          </button>
        </div>
      )}
    </div>
  );
}
