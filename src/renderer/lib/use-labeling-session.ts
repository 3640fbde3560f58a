/**
 * The labeling session wired to the API: one request per label or skip (the
 * engine's answer brings the status, the next image and its guesses), the
 * first images, a new order, undo, and counts changed elsewhere. The state
 * lives in LabelingSession; this hook only sends what it asks and hands it
 * the answers.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { NextUp } from '../../shared/api.js';
import type { AnglePeriod } from '../../shared/angle.js';
import type { ProjectStatus } from '../../shared/types.js';
import type { DesktopApi } from '../api/desktop-api.js';
import { errorCode, errorText } from '../api/desktop-api.js';
import { formatAngle } from './angle-ui.js';
import { strategyLabel } from './curve-series.js';
import { LabelingSession } from './labeling-session.js';

export interface LabelingControls {
  readonly session: LabelingSession;
  readonly busy: boolean;
  readonly loading: boolean;
  readonly message: string;
  readonly error: string | null;
  commit(value: number | null): Promise<void>;
  skip(): Promise<void>;
  undo(): Promise<void>;
  setUseGuess(on: boolean): void;
}

export function useLabelingSession(api: DesktopApi, period: AnglePeriod, status: ProjectStatus, onStatus: (s: ProjectStatus) => void): LabelingControls {
  const session = useMemo(() => new LabelingSession(period, readUseGuess()), [period]);
  useSyncExternalStore(session.subscribe, () => session.version);
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(true);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** A request of this view in flight (its answer brings the status; the labels:changed event it causes needs no refresh). */
  const busyRef = useRef(false);
  const statusRef = useRef(status);
  statusRef.current = status;
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;

  const takeStatus = useCallback((st: ProjectStatus): void => {
    statusRef.current = st;
    onStatusRef.current(st);
  }, []);

  /** Guesses the engine's answer came without (a slow model): asked on their own, applied when they come. */
  const askMissingGuesses = useCallback(
    (nu: NextUp): void => {
      const ids = session.missingGuesses(nu);
      if (ids.length > 0)
        api.invoke('queue:predict', { imageIds: ids }).then(
          (g) => session.takeLateGuesses(g),
          () => undefined,
        );
    },
    [api, session],
  );

  const takeNext = useCallback(
    (nu: NextUp): void => {
      takeStatus(nu.status);
      session.takeNext(nu);
      askMissingGuesses(nu);
    },
    [askMissingGuesses, session, takeStatus],
  );

  /** What comes after the image on screen, asked on its own (a newer answer supersedes this one). */
  const prefetch = useCallback(async (): Promise<void> => {
    const ticket = session.begin();
    try {
      const nu = await api.invoke('queue:upcoming', session.prefetchRequest());
      if (!session.isLatest(ticket)) return;
      takeStatus(nu.status);
      session.takePrefetch(ticket, nu);
      askMissingGuesses(nu);
    } catch (e) {
      if (session.isLatest(ticket)) setError(errorText(e));
    }
  }, [api, askMissingGuesses, session, takeStatus]);

  // the first image and the one behind it
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const nu = await api.invoke('queue:upcoming', session.firstRequest());
        if (!live) return;
        takeNext(nu);
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
  }, [api, session, takeNext]);

  // a new order (strategy switch): ask again what comes next
  useEffect(
    () =>
      api.on('order:changed', (e) => {
        setError(null);
        setMessage(`Queue: ${strategyLabel(e.strategy)} order of ${e.length} images (new queue images come from it)`);
        void prefetch();
      }),
    [api, prefetch],
  );

  // Training labels made elsewhere (another window): refresh the counts. This view's own labels bring their status
  // with them: their event comes while the request is in flight, or after it with the count already shown.
  useEffect(
    () =>
      api.on('labels:changed', (e) => {
        if (busyRef.current || e.labeled === statusRef.current.labeled) return;
        api.invoke('project:status', {}).then(takeStatus, () => undefined);
      }),
    [api, takeStatus],
  );

  /** Run one action of the annotator: one at a time, its error shown, the busy flag set while it runs. */
  const run = useCallback(async (action: () => Promise<void>): Promise<void> => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  /** After a write: the engine's answer, or (when it could not say what comes next) the same asked on its own. */
  const advance = useCallback(
    async (nu: NextUp | null | undefined): Promise<void> => {
      takeNext(nu ?? (await api.invoke('queue:upcoming', session.prefetchRequest())));
    },
    [api, session, takeNext],
  );

  const commit = useCallback(
    (value: number | null): Promise<void> =>
      run(async () => {
        const shown = session.current;
        if (!shown || !session.readyForAction()) return;
        const label = await api.invoke('label:set', session.labelRequest(value));
        session.recordLabel(shown, value);
        setMessage(
          label.value.kind === 'none' ? `Saved: no orientation (${shown.entry.relPath})` : `Saved ${formatAngle(label.value.angle)} (${shown.entry.relPath})`,
        );
        await advance(label.next);
      }),
    [advance, api, run, session],
  );

  const skip = useCallback(
    (): Promise<void> =>
      run(async () => {
        const shown = session.current;
        if (!shown || !session.readyForAction()) return;
        const nu = await api.invoke('label:skip', session.skipRequest());
        setMessage(`Skipped ${shown.entry.relPath}; it comes back at the end of the queue`);
        await advance(nu);
      }),
    [advance, api, run, session],
  );

  const undo = useCallback(
    (): Promise<void> =>
      run(async () => {
        const rec = await api.invoke('label:undo', {});
        if (!rec) {
          setMessage('Nothing to undo');
          return;
        }
        const restored = session.undone(rec);
        setMessage(`Undone: label of ${restored.entry.relPath} removed; set it again`);
        takeStatus(await api.invoke('project:status', {}));
      }),
    [api, run, session, takeStatus],
  );

  const setUseGuess = useCallback(
    (on: boolean): void => {
      session.setUseGuess(on);
      writeUseGuess(on);
    },
    [session],
  );

  return { session, busy, loading, message, error, commit, skip, undo, setUseGuess };
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
