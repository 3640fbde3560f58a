/**
 * Labeling: one image at a time in queue order (or a test-split image when the
 * learning curve needs one, clearly marked), an arrow over it for the angle,
 * keyboard first. The next image is prefetched (its <img> is already in the
 * page, hidden) and shown the moment label:set has resolved, i.e. after the
 * label is in SQLite. Time spent per image is sent as durationMs.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { NextRequest, NextUp, UpcomingImage } from '../../shared/api.js';
import { wrapDegrees } from '../../shared/angle.js';
import type { AnglePrediction, ImageId, ProjectStatus, QueueEntry, UndoneLabel } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { errorCode, errorText } from '../api/desktop-api.js';
import { AngleOverlay } from '../components/angle-overlay.js';
import { KeysHelp } from '../components/keys-help.js';
import { MiddleEllipsis } from '../components/middle-ellipsis.js';
import { digitAngle, formatAngle, type Period } from '../lib/angle-ui.js';
import { CANVAS_NAMES, containRect, nextBackground, readBackground, writeBackground, type CanvasBackground } from '../lib/canvas-background.js';
import { strategyLabel } from '../lib/curve-series.js';
import { useSize } from '../lib/use-size.js';

type Mode = 'queue' | 'test';
interface Shown {
  readonly entry: QueueEntry;
  readonly mode: Mode;
  /** The exemplar model's guess (queue images only; test images start at 0 so their labels stay independent of the model). */
  readonly guess?: AnglePrediction | null;
  /** Whether the arrow was put at the guess (false: the guess came after the annotator had set the angle, which is kept). */
  readonly guessApplied?: boolean;
  /** Shown again by undo, at the angle its label had (no guess is asked for it). */
  readonly restored?: boolean;
}
interface Done {
  readonly shown: Shown;
  readonly angle: number | null;
}

/** A queue entry for an image known only from an undone label (e.g. after a reload: no history in this view). */
function entryFromUndone(rec: UndoneLabel, mode: Mode): QueueEntry {
  const img = rec.image;
  return {
    imageId: rec.imageId,
    path: img?.path ?? '',
    relPath: img?.relPath ?? `image ${rec.imageId}`,
    rank: -1,
    coverageRadius: null,
    arm: mode === 'test' ? 'test' : 'none',
    width: img?.width ?? null,
    height: img?.height ?? null,
  };
}

export function LabelingView(props: { status: ProjectStatus; onStatus: (s: ProjectStatus) => void; onShowProgress: () => void }): React.JSX.Element {
  const api = useApi();
  const period: Period = props.status.settings.axial ? 180 : 360;
  const [current, setCurrent] = useState<Shown | null>(null);
  const [upcoming, setUpcoming] = useState<Shown | null>(null);
  const [angle, setAngle] = useState(0);
  /** Whether the annotator has set the angle of the image on screen (a late guess never moves it then). */
  const touched = useRef(false);
  const currentRef = useRef<Shown | null>(null);
  const userSetAngle = useCallback((a: number | ((prev: number) => number)): void => {
    touched.current = true;
    setTouchedShown(true);
    setAngle(a);
  }, []);
  const [busy, setBusy] = useState(false);
  /** A label or skip of this view in flight (its answer brings the status; the labels:changed event it causes needs no refresh). */
  const busyRef = useRef(false);
  const [help, setHelp] = useState(false);
  const [message, setMessage] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [finished, setFinished] = useState(false);
  const [loading, setLoading] = useState(true);
  const [smallIds, setSmallIds] = useState<ReadonlySet<number>>(new Set());
  /** Decoded size of each image shown, to fit its background to it. */
  const [dims, setDims] = useState<ReadonlyMap<number, readonly [number, number]>>(new Map());
  const boxRef = useRef<HTMLDivElement>(null);
  const box = useSize(boxRef);
  const [background, setBackground] = useState<CanvasBackground>(() => readBackground(props.status.path));
  const [touchedShown, setTouchedShown] = useState(false);
  const [useGuess, setUseGuess] = useState<boolean>(() => readUseGuess());
  const useGuessRef = useRef(useGuess);
  useGuessRef.current = useGuess;
  const shownAt = useRef(Date.now());
  const history = useRef<Done[]>([]);
  const skipped = useRef(new Set<ImageId>());
  const statusRef = useRef(props.status);
  statusRef.current = props.status;

  /** What the engine needs to choose what comes after `held` (the images this view holds). */
  const nextRequest = useCallback((held: readonly Shown[]): NextRequest => {
    return { showing: held.map((h) => h.entry.imageId), skipped: [...skipped.current], count: held.length === 0 ? 2 : 1, guess: useGuessRef.current };
  }, []);

  /** A chosen image as shown: queue images carry their guess (when the guess is on and the engine gave one). */
  const toShown = useCallback((u: UpcomingImage | undefined, guesses: NextUp['guesses']): Shown | null => {
    if (!u) return null;
    if (u.reoffered) skipped.current.clear(); // everything left was skipped: the skipped ones come again
    if (u.mode !== 'queue' || !useGuessRef.current) return { entry: u.entry, mode: u.mode };
    return { entry: u.entry, mode: u.mode, guess: guessOf(guesses, u.entry.imageId) };
  }, []);

  const refreshStatus = useCallback(async (): Promise<ProjectStatus> => {
    const st = await api.invoke('project:status', {});
    props.onStatus(st);
    statusRef.current = st;
    return st;
  }, [api, props]);

  const takeStatus = useCallback(
    (st: ProjectStatus): void => {
      props.onStatus(st);
      statusRef.current = st;
    },
    [props],
  );

  const show = useCallback((s: Shown | null, startAngle?: number): void => {
    const fromGuess = startAngle === undefined && useGuessRef.current && s?.guess?.angle != null;
    const shown = s && fromGuess ? { ...s, guessApplied: true } : s;
    setCurrent(shown);
    currentRef.current = shown;
    touched.current = false;
    setTouchedShown(false);
    setAngle(startAngle ?? (fromGuess ? s!.guess!.angle! : 0));
    shownAt.current = Date.now();
    setFinished(s === null);
  }, []);

  /** Counts every answer that sets what comes next: an older one arriving late is dropped. */
  const prefetchSeq = useRef(0);

  /**
   * A guess that arrives after its image is on screen (the engine's answer came
   * without it): once the annotator has set the angle it never moves the arrow;
   * when the arrow started at an earlier guess the line keeps naming that one,
   * else it says the new guess came late.
   */
  const applyLateGuesses = useCallback((guesses: readonly AnglePrediction[]): void => {
    const cur = currentRef.current;
    const g = cur ? guessOf(guesses, cur.entry.imageId) : null;
    if (cur && g && cur.mode === 'queue') {
      const applied = !touched.current;
      if (applied || !cur.guessApplied) {
        const updated = { ...cur, guess: g, guessApplied: applied };
        setCurrent(updated);
        currentRef.current = updated;
        if (applied) setAngle(g.angle!);
      }
    }
    setUpcoming((u) => (u && u.mode === 'queue' && guessOf(guesses, u.entry.imageId) ? { ...u, guess: guessOf(guesses, u.entry.imageId) } : u));
  }, []);

  /** Ask for the guesses the engine's answer came without (it did not wait for a slow model). */
  const askLateGuesses = useCallback(
    (nu: NextUp, shown: readonly (Shown | null)[]): void => {
      if (nu.guesses !== null || !useGuessRef.current) return;
      const ids = shown.filter((s): s is Shown => s !== null && s.mode === 'queue').map((s) => s.entry.imageId);
      if (ids.length === 0) return;
      api.invoke('queue:predict', { imageIds: ids }).then(applyLateGuesses, () => undefined);
    },
    [api, applyLateGuesses],
  );

  /** Show what the engine chose: the first image now (unless one is held already) and the one after it prefetched. */
  const takeNext = useCallback(
    (nu: NextUp, held: Shown | null): void => {
      prefetchSeq.current++;
      takeStatus(nu.status);
      let next: Shown | null;
      let after: Shown | null;
      if (held) {
        // The held image's guess was made before the label just saved: the engine's fresh one replaces it.
        const fresh = held.mode === 'queue' && useGuessRef.current && nu.guesses !== null ? { ...held, guess: guessOf(nu.guesses, held.entry.imageId) } : held;
        next = fresh;
        after = toShown(nu.upcoming[0], nu.guesses);
      } else {
        next = toShown(nu.upcoming[0], nu.guesses);
        after = toShown(nu.upcoming[1], nu.guesses);
      }
      show(next);
      setUpcoming(after);
      askLateGuesses(nu, [next, after]);
    },
    [askLateGuesses, show, takeStatus, toShown],
  );

  /** Ask the engine what comes after `cur` (a new order, or after undo); a newer answer supersedes this one. */
  const prefetch = useCallback(
    async (cur: Shown | null): Promise<void> => {
      const seq = ++prefetchSeq.current;
      const held = cur ? [cur] : [];
      try {
        const nu = await api.invoke('queue:upcoming', nextRequest(held));
        if (seq !== prefetchSeq.current) return;
        takeStatus(nu.status);
        if (cur) {
          const after = toShown(nu.upcoming[0], nu.guesses);
          setUpcoming(after);
          askLateGuesses(nu, [after]);
        } else takeNext(nu, null);
      } catch (e) {
        if (seq === prefetchSeq.current) setError(errorText(e));
      }
    },
    [api, askLateGuesses, nextRequest, takeNext, takeStatus, toShown],
  );

  // first image (and the one after it)
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const nu = await api.invoke('queue:upcoming', nextRequest([]));
        if (!live) return;
        takeNext(nu, null);
        setLoading(false);
      } catch (e) {
        if (live) {
          setError(errorCode(e) === 'no-order' ? 'The queue is being computed…' : errorText(e));
          setLoading(false);
        }
      }
    })();
    return () => {
      live = false;
    };
    // Runs once per API object: the callbacks it uses are stable for a given api.
  }, [api]);

  // a new order (strategy switch): refetch what comes next
  useEffect(
    () =>
      api.on('order:changed', (e) => {
        setError(null);
        setMessage(`Queue: ${strategyLabel(e.strategy)} order of ${e.length} images (new queue images come from it)`);
        void prefetch(currentRef.current);
      }),
    [api, prefetch],
  );

  // Training labels made elsewhere (another window): refresh the counts. This view's own labels bring their status
  // with them: their event comes while the request is in flight, or after it with the count already shown.
  useEffect(
    () =>
      api.on('labels:changed', (e) => {
        if (busyRef.current || e.labeled === statusRef.current.labeled) return;
        void refreshStatus().catch(() => undefined);
      }),
    [api, refreshStatus],
  );

  /** After the current image is dealt with: show the held (prefetched) one at once, and the engine's next choice behind it. */
  const advance = useCallback(
    async (nu: NextUp | null, held: Shown | null): Promise<void> => {
      // null: the label is stored but the engine could not say what comes next; ask it on its own
      takeNext(nu ?? (await api.invoke('queue:upcoming', nextRequest(held ? [held] : []))), held);
    },
    [api, nextRequest, takeNext],
  );

  const commit = useCallback(
    async (value: number | null): Promise<void> => {
      if (!current || busy) return;
      setBusy(true);
      busyRef.current = true;
      setError(null);
      const shown = current;
      const held = upcoming && upcoming.entry.imageId !== shown.entry.imageId ? upcoming : null;
      try {
        const label = await api.invoke('label:set', {
          imageId: shown.entry.imageId,
          angle: value === null ? null : wrapDegrees(value, period),
          durationMs: Date.now() - shownAt.current,
          next: nextRequest(held ? [held] : []),
        });
        history.current.push({ shown, angle: value });
        setMessage(label.value.kind === 'none' ? `Saved: no orientation (${shown.entry.relPath})` : `Saved ${formatAngle(label.value.angle)} (${shown.entry.relPath})`);
        await advance(label.next ?? null, held);
      } catch (e) {
        setError(errorText(e));
      } finally {
        setBusy(false);
        busyRef.current = false;
      }
    },
    [api, advance, busy, current, nextRequest, period, upcoming],
  );

  const skip = useCallback(async (): Promise<void> => {
    if (!current || busy) return;
    setBusy(true);
    busyRef.current = true;
    setError(null);
    const shown = current;
    const held = upcoming && upcoming.entry.imageId !== shown.entry.imageId ? upcoming : null;
    try {
      skipped.current.add(shown.entry.imageId);
      const nu = await api.invoke('label:skip', { imageId: shown.entry.imageId, next: nextRequest(held ? [held] : []) });
      setMessage(`Skipped ${shown.entry.relPath}; it comes back at the end of the queue`);
      await advance(nu, held);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      busyRef.current = false;
    }
  }, [api, advance, busy, current, nextRequest, upcoming]);

  const undo = useCallback(async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    busyRef.current = true;
    setError(null);
    try {
      const rec = await api.invoke('label:undo', {});
      if (!rec) {
        setMessage('Nothing to undo');
        return;
      }
      const i = history.current.map((h) => h.shown.entry.imageId).lastIndexOf(rec.imageId);
      const prev = i >= 0 ? history.current.splice(i, 1)[0]! : { shown: { entry: entryFromUndone(rec, rec.arm === 'test' ? 'test' : 'queue'), mode: rec.arm === 'test' ? ('test' as const) : ('queue' as const) }, angle: null };
      const restoredAngle = rec.value.kind === 'angle' ? rec.value.angle : 0;
      prefetchSeq.current++; // a prefetch still running must not replace this
      if (current) setUpcoming(current);
      show({ ...prev.shown, guess: null, restored: true }, restoredAngle); // it shows the label it had, not a guess
      setMessage(`Undone: label of ${prev.shown.entry.relPath} removed; set it again`);
      await refreshStatus();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      busyRef.current = false;
    }
  }, [api, busy, current, refreshStatus, show]);

  const projectPath = props.status.path;
  const switchBackground = useCallback((): void => {
    setBackground((b) => {
      const n = nextBackground(b);
      writeBackground(projectPath, n);
      return n;
    });
  }, [projectPath]);

  // keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      // Typing into a field is not a shortcut; a checkbox or button keeps the shortcuts working.
      const typing = t instanceof HTMLInputElement ? !['checkbox', 'radio', 'button', 'submit', 'range'].includes(t.type) : false;
      if (t && (typing || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (document.querySelector('.modal:not(.keys-help)')) return;
      if (e.key === '?' || (e.key === '/' && e.shiftKey)) {
        setHelp((h) => !h);
        e.preventDefault();
        return;
      }
      if (e.key === 'Escape') {
        setHelp(false);
        return;
      }
      if (help) return;
      const ctrl = e.ctrlKey || e.metaKey;
      if (ctrl && (e.key === 'z' || e.key === 'Z')) {
        e.preventDefault();
        if (!e.repeat) void undo();
        return;
      }
      if (ctrl || e.altKey) return;
      switch (e.key) {
        case 'ArrowLeft':
        case 'ArrowRight': {
          const step = (e.shiftKey ? 15 : 1) * (e.key === 'ArrowLeft' ? -1 : 1);
          userSetAngle((a) => wrapDegrees(a + step, period));
          e.preventDefault();
          return;
        }
        case '1':
        case '2':
        case '3':
        case '4': {
          const a = digitAngle(Number(e.key), period);
          if (a !== null) userSetAngle(a);
          e.preventDefault();
          return;
        }
        case 'Enter':
          e.preventDefault();
          if (!e.repeat) void commit(angle);
          return;
        case 's':
        case 'S':
          if (!e.repeat) void skip();
          return;
        case 'n':
        case 'N':
          if (!e.repeat) void commit(null);
          return;
        case 'u':
        case 'U':
          if (!e.repeat) void undo();
          return;
        case 'b':
        case 'B':
          if (!e.repeat) switchBackground();
          return;
        default:
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [angle, commit, help, period, skip, undo, userSetAngle, switchBackground]);

  const st = props.status;
  const live = st.curve.filter((p) => p.source === 'live');
  const latestLive = live[live.length - 1] ?? null;
  const isTest = current?.mode === 'test';
  const entry = current?.entry ?? null;
  const natural = entry ? (dims.get(entry.imageId) ?? (entry.width && entry.height ? ([entry.width, entry.height] as const) : null)) : null;
  const frame = natural ? containRect(natural[0], natural[1], box.width, box.height) : { left: 0, top: 0, width: box.width, height: box.height };
  const guess = current?.guess && current.guess.angle !== null ? current.guess : null;
  const fromLabels = guess ? `match ${guess.similarity!.toFixed(2)}, from ${guess.exemplars} ${guess.exemplars === 1 ? 'label' : 'labels'}` : '';
  const novelty = entry && !isTest ? noveltyOf(entry) : null;
  return (
    <main className="labeling-view">
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
                src={api.imageUrl(s.entry.imageId)}
                alt={s === current ? s.entry.relPath : ''}
                aria-hidden={s !== current}
                draggable={false}
                onLoad={(e) => {
                  // tiny sources (e.g. 28-64 px crops) look sharper upscaled without smoothing
                  const img = e.currentTarget;
                  const w = img.naturalWidth;
                  const h = img.naturalHeight;
                  if (Math.max(w, h) < 256) setSmallIds((prev) => new Set(prev).add(s.entry.imageId));
                  setDims((prev) => (prev.get(s.entry.imageId)?.[0] === w && prev.get(s.entry.imageId)?.[1] === h ? prev : new Map(prev).set(s.entry.imageId, [w, h])));
                }}
              />
            ))}
          {current && <AngleOverlay angle={angle} period={period} onChange={userSetAngle} disabled={busy} />}
        </div>
        {loading && <div className="stage-message">Loading…</div>}
        {!loading && finished && !error && (
          <div className="stage-message">
            <h2>Queue finished</h2>
            <p>Every image of the queue is labeled or skipped.</p>
            <button type="button" className="btn primary" onClick={props.onShowProgress}>
              See the learning curve
            </button>
          </div>
        )}
      </div>
      <aside className="side-panel">
        <div className="angle-readout" data-testid="angle-readout" aria-live="polite">
          {formatAngle(angle)}
        </div>
        <p className="muted small">clockwise from image up{period === 180 ? ' · axial, [0°, 180°)' : ''}</p>
        {/* A fixed three-line slot: the guess arriving (or a test image) never moves the buttons below. */}
        <p className="guess small" data-testid="guess-line" title="The model's guess is the angle of the most similar labeled image, matched over all turns; Enter accepts, arrows or drag adjust">
          {isTest ? (
            <span className="muted">Test image: starts at 0° with no guess, so its label stays independent of the model</span>
          ) : guess && useGuess && current?.guessApplied ? (
            <span data-testid="angle-guess">
              Started at the model&apos;s guess {formatAngle(guess.angle!)} ({fromLabels}){touchedShown ? '; you have changed it' : ''}
            </span>
          ) : guess && useGuess ? (
            <span data-testid="angle-guess" data-late="true">
              The model&apos;s guess {formatAngle(guess.angle!)} ({fromLabels}) came after you set the angle; your angle is kept
            </span>
          ) : current?.restored ? (
            <span className="muted">Back after undo, at the angle its label had; set it again</span>
          ) : current && useGuess && current.mode === 'queue' ? (
            <span className="muted">No guess for this image yet (no labeled image to match)</span>
          ) : null}
        </p>
        <label className="guess-toggle small">
          <input
            type="checkbox"
            data-testid="guess-toggle"
            checked={useGuess}
            onChange={(e) => {
              setUseGuess(e.currentTarget.checked);
              writeUseGuess(e.currentTarget.checked);
              e.currentTarget.blur(); // Enter and Space go back to labeling
            }}
          />{' '}
          Start at the model&apos;s guess
        </label>
        <div className="actions">
          <button type="button" className="btn primary" disabled={!current || busy} onClick={() => void commit(angle)}>
            Accept <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn wide" disabled={!current || busy} onClick={() => void commit(null)}>
            No orientation <kbd>N</kbd>
          </button>
          <button type="button" className="btn" disabled={!current || busy} onClick={() => void skip()}>
            Skip <kbd>S</kbd>
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void undo()}>
            Undo <kbd>U</kbd>
          </button>
        </div>
        <dl className="facts">
          <div>
            <dt>Source</dt>
            <dd data-testid="mode">{isTest ? 'test split (random order)' : st.order ? strategyLabel(st.order.strategy) : '–'}</dd>
          </div>
          <div>
            <dt>Queue position</dt>
            <dd data-testid="queue-position">{entry && !isTest && entry.rank >= 0 ? `#${entry.rank + 1} of ${st.order?.length ?? '?'}` : '–'}</dd>
          </div>
          <div>
            <dt>Novelty</dt>
            <dd
              data-testid="coverage-radius"
              className="novelty"
              title={
                novelty?.share != null
                  ? `Coverage radius ${entry!.coverageRadius!.toFixed(3)} latent units: how far this image is from the nearest image picked or labeled before it, in the autoencoder's latent space. ` +
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
            <dd>{st.order?.remaining ?? '–'}</dd>
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
          {message}
        </p>
        {error && (
          <p className="error-banner small" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="link canvas-toggle small" data-testid="canvas-toggle" onClick={switchBackground} title="The background behind transparent pixels (remembered for this project)">
          Background: {CANVAS_NAMES[background]} <kbd>B</kbd>
        </button>
        <button type="button" className="link help-link" onClick={() => setHelp(true)}>
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </aside>
      {help && <KeysHelp axial={period === 180} onClose={() => setHelp(false)} />}
    </main>
  );
}

/** The guess for an image among the engine's guesses (null when it has none with an angle). */
function guessOf(guesses: NextUp['guesses'], id: ImageId): AnglePrediction | null {
  const g = guesses?.find((p) => p.imageId === id);
  return g && g.angle !== null ? g : null;
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

const GUESS_KEY = 'novelty-labeler.start-at-guess';

/** Whether queue images start at the model's guess (default on; remembered per browser profile). */
function readUseGuess(): boolean {
  try {
    return globalThis.localStorage?.getItem(GUESS_KEY) !== 'off';
  } catch {
    return true;
  }
}

function writeUseGuess(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(GUESS_KEY, on ? 'on' : 'off');
  } catch {
    // storage unavailable: the choice lasts this session only
  }
}
