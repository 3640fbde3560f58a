/**
 * The labeling view's session, without a framework: the image on screen and
 * the one prefetched behind it, the angle being set, the images skipped in
 * this session and the undo history of the labels made in it (a bounded
 * stack, like CVAT's cvat-core AnnotationHistory). It does no I/O: it says
 * what to ask the engine (NextRequest, label and skip requests) and takes the
 * engine's answers; which image comes next is the engine's decision.
 * Listeners are told after every change (React reads it through
 * useSyncExternalStore).
 */
import type { NextRequest, NextUp, RequestOf, UpcomingImage } from '../../shared/api.js';
import { wrapDegrees, type AnglePeriod, type Degrees } from '../../shared/angle.js';
import type { AnglePrediction, ImageId, QueueEntry, UndoneLabel } from '../../shared/types.js';

export type Mode = 'queue' | 'test';

/** An image as the view shows it. */
export interface Shown {
  readonly entry: QueueEntry;
  readonly mode: Mode;
  /** The model's guess (queue images only, with the guess on; test images start at 0 so their labels stay independent of the model). */
  readonly guess?: AnglePrediction | null;
  /** Whether the arrow was put at the guess (false: the guess came after the annotator had set the angle, which is kept). */
  readonly guessApplied?: boolean;
  /** Shown again by undo, at the angle its label had (no guess is asked for it). */
  readonly restored?: boolean;
}

/** A label made in this session: the image as it was shown and the angle given (null: no orientation). */
interface Done {
  readonly shown: Shown;
  readonly angle: number | null;
}

/** Labels the undo history keeps (older ones can still be undone, but come back without their view state). */
export const MAX_HISTORY = 128;

/** The guess for an image among the engine's guesses (null when it has none with an angle). */
export function guessOf(guesses: readonly AnglePrediction[] | null, id: ImageId): AnglePrediction | null {
  const g = guesses?.find((p) => p.imageId === id);
  return g && g.angle !== null ? g : null;
}

/** A queue entry for an image known only from an undone label (e.g. after a reload: no history in this session). */
export function entryFromUndone(rec: UndoneLabel, mode: Mode): QueueEntry {
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

/**
 * An image must have been on screen this long before a label or skip counts:
 * a second Enter pressed right after the first would otherwise label the next
 * image (a test image starts at 0 degrees) before the annotator has seen it.
 */
export const MIN_VIEW_MS = 250;

export class LabelingSession {
  private shownNow: Shown | null = null;
  private prefetched: Shown | null = null;
  private angleNow = 0 as Degrees;
  private touchedNow = false;
  private shownAt = 0;
  private finishedNow = false;
  private readonly skipped = new Set<ImageId>();
  private history: Done[] = [];
  /** Counts every answer that sets what comes next: an older one arriving late is dropped. */
  private seq = 0;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every change (the snapshot React compares). */
  version = 0;

  constructor(
    readonly period: AnglePeriod,
    private guessOn: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  // ------------------------------------------------------------ reading

  get current(): Shown | null {
    return this.shownNow;
  }
  get upcoming(): Shown | null {
    return this.prefetched;
  }
  get angle(): Degrees {
    return this.angleNow;
  }
  /** Whether the annotator has set the angle of the image on screen (a late guess never moves it then). */
  get touched(): boolean {
    return this.touchedNow;
  }
  /** Nothing is left to show. */
  get finished(): boolean {
    return this.finishedNow;
  }
  get useGuess(): boolean {
    return this.guessOn;
  }
  /** Whether the image on screen has been seen long enough to take a label or a skip (MIN_VIEW_MS). */
  readyForAction(): boolean {
    return this.shownNow !== null && this.now() - this.shownAt >= MIN_VIEW_MS;
  }
  /** Labels this session can take back with their view state. */
  get historySize(): number {
    return this.history.length;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  // ------------------------------------------------------------ the angle

  /** The annotator sets the angle (wrapped into [0, period)). */
  setAngle(a: number): void {
    this.touchedNow = true;
    this.angleNow = wrapDegrees(a, this.period);
    this.changed();
  }

  /** The annotator turns the arrow by `step` degrees. */
  nudge(step: number): void {
    this.setAngle(this.angleNow + step);
  }

  setUseGuess(on: boolean): void {
    this.guessOn = on;
    this.changed();
  }

  // ------------------------------------------------------------ requests

  /** The prefetched image, unless it is the one on screen. */
  private held(): Shown | null {
    return this.prefetched && this.prefetched.entry.imageId !== this.shownNow?.entry.imageId ? this.prefetched : null;
  }

  /** What the engine needs to choose what comes after `held`: two images when none is held (one to show, one behind it). */
  private nextRequest(held: readonly Shown[]): NextRequest {
    return { showing: held.map((h) => h.entry.imageId), skipped: [...this.skipped], count: held.length === 0 ? 2 : 1, guess: this.guessOn };
  }

  /** The first images of the session. */
  firstRequest(): NextRequest {
    return this.nextRequest([]);
  }

  /** What comes after the image on screen (after a new order, or after undo). */
  prefetchRequest(): NextRequest {
    return this.nextRequest(this.shownNow ? [this.shownNow] : []);
  }

  /** The label of the image on screen at `value` degrees (null: no orientation), asking for what comes after the held image. */
  labelRequest(value: number | null): RequestOf<'label:set'> {
    const shown = this.shownNow;
    if (!shown) throw new Error('no image on screen');
    const held = this.held();
    return {
      imageId: shown.entry.imageId,
      angle: value === null ? null : wrapDegrees(value, this.period),
      durationMs: this.now() - this.shownAt,
      next: this.nextRequest(held ? [held] : []),
    };
  }

  /** Skip the image on screen (it is passed over from now on), asking for what comes after the held image. */
  skipRequest(): RequestOf<'label:skip'> {
    const shown = this.shownNow;
    if (!shown) throw new Error('no image on screen');
    this.skipped.add(shown.entry.imageId);
    const held = this.held();
    return { imageId: shown.entry.imageId, next: this.nextRequest(held ? [held] : []) };
  }

  /** Ask for a request that sets what comes next; `isLatest` tells whether a newer one was started since. */
  begin(): number {
    return ++this.seq;
  }
  isLatest(ticket: number): boolean {
    return ticket === this.seq;
  }

  // ------------------------------------------------------------ answers

  /** A chosen image as shown: queue images carry their guess when the guess is on. */
  private toShown(u: UpcomingImage | undefined, guesses: NextUp['guesses']): Shown | null {
    if (!u) return null;
    if (u.reoffered) this.skipped.clear(); // everything left was skipped: the skipped ones come again
    if (u.mode !== 'queue' || !this.guessOn) return { entry: u.entry, mode: u.mode };
    return { entry: u.entry, mode: u.mode, guess: guessOf(guesses, u.entry.imageId) };
  }

  /** Put an image on screen at `startAngle`, or at its guess (with the guess on), or at 0. */
  private show(s: Shown | null, startAngle?: number): void {
    const guessAngle = s?.guess?.angle;
    const fromGuess = startAngle === undefined && this.guessOn && guessAngle != null;
    this.shownNow = s && fromGuess ? { ...s, guessApplied: true } : s;
    this.touchedNow = false;
    this.angleNow = wrapDegrees(startAngle ?? (fromGuess ? guessAngle : 0), this.period);
    this.shownAt = this.now();
    this.finishedNow = s === null;
  }

  /**
   * The engine's answer after a label or a skip (or the first answer): the
   * held image goes on screen at once, with the engine's fresh guess (made
   * with the label just saved), and the engine's choice is prefetched behind
   * it; with nothing held, the first choice goes on screen and the second
   * behind it.
   */
  takeNext(nu: NextUp): void {
    const held = this.held();
    this.seq++;
    let next: Shown | null;
    let after: Shown | null;
    if (held) {
      next = held.mode === 'queue' && this.guessOn && nu.guesses !== null ? { ...held, guess: guessOf(nu.guesses, held.entry.imageId) } : held;
    } else {
      next = this.toShown(nu.upcoming[0], nu.guesses);
    }
    // Never the image on screen again behind itself (an answer computed before a newer prefetch may name it).
    after = this.toShown(
      nu.upcoming.find((u, i) => (held || i > 0) && u.entry.imageId !== next?.entry.imageId),
      nu.guesses,
    );
    this.show(next);
    this.prefetched = after;
    this.changed();
  }

  /** The engine's answer to prefetchRequest: the image behind the one on screen (dropped when a newer answer has come). */
  takePrefetch(ticket: number, nu: NextUp): boolean {
    if (!this.isLatest(ticket)) return false;
    if (!this.shownNow) {
      this.takeNext(nu);
      return true;
    }
    const shownId = this.shownNow.entry.imageId;
    this.prefetched = this.toShown(
      nu.upcoming.find((u) => u.entry.imageId !== shownId),
      nu.guesses,
    );
    this.changed();
    return true;
  }

  /** Queue images on screen or prefetched whose guess the answer came without (the model was slow): ask queue:predict. */
  missingGuesses(nu: NextUp): ImageId[] {
    if (nu.guesses !== null || !this.guessOn) return [];
    return [this.shownNow, this.prefetched].filter((s): s is Shown => s !== null && s.mode === 'queue' && !s.restored).map((s) => s.entry.imageId);
  }

  /**
   * Guesses that arrive after their image is on screen: once the annotator has
   * set the angle they never move the arrow (when the arrow started at an
   * earlier guess the view keeps naming that one, else it says the new guess
   * came late); the prefetched image just takes its guess.
   */
  takeLateGuesses(guesses: readonly AnglePrediction[]): void {
    const cur = this.shownNow;
    const g = cur ? guessOf(guesses, cur.entry.imageId) : null;
    if (cur && g && cur.mode === 'queue' && (!this.touchedNow || !cur.guessApplied)) {
      const applied = !this.touchedNow;
      this.shownNow = { ...cur, guess: g, guessApplied: applied };
      if (applied) this.angleNow = wrapDegrees(g.angle!, this.period);
    }
    const up = this.prefetched;
    const ug = up && up.mode === 'queue' ? guessOf(guesses, up.entry.imageId) : null;
    if (up && ug) this.prefetched = { ...up, guess: ug };
    this.changed();
  }

  /** The label of `shown` is stored: it goes on the undo history (the oldest falls off past MAX_HISTORY). */
  recordLabel(shown: Shown, angle: number | null): void {
    this.history = this.history.slice(-MAX_HISTORY + 1);
    this.history.push({ shown, angle });
  }

  /**
   * The engine has undone `rec`: its image comes back on screen at the angle its
   * label had (never at a guess), the image on screen goes behind it, and any
   * prefetch still running is dropped. Returns the image shown again.
   */
  undone(rec: UndoneLabel): Shown {
    const i = this.history.map((h) => h.shown.entry.imageId).lastIndexOf(rec.imageId);
    const mode: Mode = rec.arm === 'test' ? 'test' : 'queue';
    const prev = i >= 0 ? this.history.splice(i, 1)[0]!.shown : { entry: entryFromUndone(rec, mode), mode };
    this.seq++;
    if (this.shownNow) this.prefetched = this.shownNow;
    const restored: Shown = { ...prev, guess: null, restored: true };
    this.show(restored, rec.value.kind === 'angle' ? rec.value.angle : 0);
    this.changed();
    return restored;
  }
}
