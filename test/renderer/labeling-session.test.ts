/**
 * The labeling session model (src/renderer/lib/labeling-session.ts) and the
 * key map, without a browser: hand-made engine answers go in, the image on
 * screen, the prefetched one, the angle and the requests come out. Values
 * are worked by hand (wrapping, durations from an injected clock, which image
 * the undo brings back).
 */
import { describe, expect, it } from 'vitest';
import type { NextUp, UpcomingImage } from '../../src/shared/api.js';
import type { AnglePrediction, ImageId, LabelId, ProjectStatus, QueueEntry, UndoneLabel } from '../../src/shared/types.js';
import type { Degrees } from '../../src/shared/angle.js';
import { LabelingSession, MAX_HISTORY, MIN_VIEW_MS } from '../../src/renderer/lib/labeling-session.js';
import { keyAction, type KeyPress } from '../../src/renderer/lib/labeling-keys.js';

const entry = (id: number, arm: QueueEntry['arm'] = 'none'): QueueEntry => ({
  imageId: id as ImageId,
  path: `/i/${id}.png`,
  relPath: `${id}.png`,
  rank: id,
  coverageRadius: null,
  arm,
  width: 8,
  height: 8,
});
const up = (id: number, mode: 'queue' | 'test' = 'queue', reoffered = false): UpcomingImage => ({
  entry: entry(id, mode === 'test' ? 'test' : 'none'),
  mode,
  reoffered,
});
const guess = (id: number, angle: number | null): AnglePrediction => ({
  imageId: id as ImageId,
  angle: angle as Degrees | null,
  similarity: angle === null ? null : 0.9,
  exemplars: 3,
});
const status = {} as ProjectStatus; // the session passes the status through untouched
const answer = (upcoming: UpcomingImage[], guesses: AnglePrediction[] | null = []): NextUp => ({ status, upcoming, guesses });

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('LabelingSession', () => {
  it('a prefetch answer that lands while a label is in flight never puts the image on screen behind itself', () => {
    const s = new LabelingSession(360, false);
    s.takeNext(answer([up(1), up(2)])); // 1 on screen, 2 behind
    const ticket = s.begin(); // a new order: what comes after 1 is asked again
    const req = s.labelRequest(10); // the annotator labels 1; the engine is asked what follows the held 2
    expect(req.next!.showing).toEqual([2]);
    expect(s.takePrefetch(ticket, answer([up(7)]))).toBe(true); // the new order puts 7 behind 1 (2 is dropped)
    s.takeNext(answer([up(7), up(8)])); // the label's answer, computed before it knew of 7 on hold
    expect(s.current?.entry.imageId).toBe(7);
    expect(s.upcoming?.entry.imageId).toBe(8);
  });

  it('takes an action only on an image that has been on screen for MIN_VIEW_MS (a double Enter does not label the next image)', () => {
    const c = clock();
    const s = new LabelingSession(360, true, c.now);
    expect(s.readyForAction()).toBe(false); // nothing on screen
    s.takeNext(answer([up(1), up(2)], []));
    expect(s.readyForAction()).toBe(false);
    c.advance(MIN_VIEW_MS - 1);
    expect(s.readyForAction()).toBe(false);
    c.advance(1);
    expect(s.readyForAction()).toBe(true);
    // the next image on screen starts its own wait
    s.recordLabel(s.current!, 10);
    s.takeNext(answer([up(3, 'test')], []));
    expect(s.current?.entry.imageId).toBe(2);
    expect(s.readyForAction()).toBe(false);
    c.advance(MIN_VIEW_MS);
    expect(s.readyForAction()).toBe(true);
  });

  it('first answer: the first image on screen at its guess, the second prefetched', () => {
    const c = clock();
    const s = new LabelingSession(360, true, c.now);
    expect(s.firstRequest()).toEqual({ showing: [], skipped: [], count: 2, guess: true });
    s.takeNext(answer([up(1), up(2)], [guess(1, 42.5), guess(2, 10)]));
    expect(s.current?.entry.imageId).toBe(1);
    expect(s.current?.guessApplied).toBe(true);
    expect(s.angle).toBe(42.5);
    expect(s.touched).toBe(false);
    expect(s.upcoming?.entry.imageId).toBe(2);
    expect(s.upcoming?.guess?.angle).toBe(10);
    expect(s.finished).toBe(false);
  });

  it('a label asks for what comes after the prefetched image; the answer shows it with the fresh guess', () => {
    const c = clock();
    const s = new LabelingSession(360, true, c.now);
    s.takeNext(answer([up(1), up(2)], [guess(2, 10)]));
    expect(s.angle).toBe(0); // no guess for image 1: starts at 0
    s.setAngle(370);
    expect(s.angle).toBe(10);
    c.advance(2500);
    expect(s.labelRequest(s.angle)).toEqual({ imageId: 1, angle: 10, durationMs: 2500, next: { showing: [2], skipped: [], count: 1, guess: true } });
    expect(s.labelRequest(null).angle).toBeNull();
    // the guess for 2 made with the new label (20) replaces the prefetched one (10); 3 is prefetched
    s.takeNext(answer([up(3)], [guess(2, 20), guess(3, 30)]));
    expect([s.current?.entry.imageId, s.angle, s.current?.guess?.angle, s.upcoming?.entry.imageId]).toEqual([2, 20, 20, 3]);
  });

  it('a test image starts at 0 with no guess; with the guess off no image gets one', () => {
    const s = new LabelingSession(360, true);
    s.takeNext(answer([up(5, 'test'), up(6)], [guess(5, 99), guess(6, 60)]));
    expect([s.current?.mode, s.angle, s.current?.guess]).toEqual(['test', 0, undefined]);
    const off = new LabelingSession(360, false);
    expect(off.firstRequest().guess).toBe(false);
    off.takeNext(answer([up(6), up(7)], [guess(6, 60)]));
    expect([off.angle, off.current?.guess]).toEqual([0, undefined]);
  });

  it('guesses that come late move the arrow only while the annotator has not touched it', () => {
    const s = new LabelingSession(360, true);
    const slow = answer([up(1), up(2)], null);
    s.takeNext(slow);
    expect(s.missingGuesses(slow)).toEqual([1, 2]);
    s.takeLateGuesses([guess(1, 45), guess(2, 90)]);
    expect([s.angle, s.current?.guessApplied, s.upcoming?.guess?.angle]).toEqual([45, true, 90]);
    // touched after starting at a guess: a newer guess changes nothing
    s.setAngle(100);
    s.takeLateGuesses([guess(1, 50)]);
    expect([s.angle, s.current?.guess?.angle, s.current?.guessApplied]).toEqual([100, 45, true]);

    const t = new LabelingSession(360, true);
    t.takeNext(answer([up(1), up(2)], null));
    t.setAngle(7);
    t.takeLateGuesses([guess(1, 45)]);
    // touched before any guess: the guess is named as late, the angle is kept
    expect([t.angle, t.current?.guess?.angle, t.current?.guessApplied]).toEqual([7, 45, false]);
    expect(t.missingGuesses(answer([], []))).toEqual([]); // the answer had its guesses
  });

  it('skips: passed to the engine until it offers a skipped image again', () => {
    const s = new LabelingSession(360, true);
    s.takeNext(answer([up(1), up(2)]));
    expect(s.skipRequest()).toEqual({ imageId: 1, next: { showing: [2], skipped: [1], count: 1, guess: true } });
    s.takeNext(answer([up(3)]));
    expect(s.skipRequest().next?.skipped).toEqual([1, 2]);
    s.takeNext(answer([up(1, 'queue', true)])); // only skipped images left: 1 comes again
    expect(s.skipRequest().next?.skipped).toEqual([3]);
  });

  it('nothing left: finished, and nothing prefetched', () => {
    const s = new LabelingSession(360, true);
    s.takeNext(answer([up(1)]));
    expect(s.upcoming).toBeNull();
    s.takeNext(answer([]));
    expect([s.current, s.finished]).toEqual([null, true]);
  });

  it('undo brings the labeled image back at its label, puts the one on screen behind it, and drops a prefetch in flight', () => {
    const s = new LabelingSession(360, true);
    s.takeNext(answer([up(1), up(2)], [guess(1, 45)]));
    const first = s.current!;
    s.recordLabel(first, 45);
    s.takeNext(answer([up(3)]));
    const ticket = s.begin(); // e.g. a new order's prefetch still running
    const rec: UndoneLabel = {
      id: 9 as LabelId,
      imageId: 1 as ImageId,
      value: { kind: 'angle', angle: 45 as Degrees },
      annotator: 't',
      createdAt: '',
      durationMs: 1,
      arm: 'none',
      source: 'annotator',
      image: null,
    };
    const back = s.undone(rec);
    expect([back.entry.imageId, back.restored, back.guess]).toEqual([1, true, null]);
    expect([s.current?.entry.imageId, s.angle, s.upcoming?.entry.imageId, s.historySize]).toEqual([1, 45, 2, 0]);
    expect(s.takePrefetch(ticket, answer([up(8)]))).toBe(false);
    expect(s.upcoming?.entry.imageId).toBe(2);
    // the next label holds 2 (the prefetched one) and asks for what comes after it
    expect(s.labelRequest(45).next?.showing).toEqual([2]);
    // a label from before this session (no history): its image comes back by what the engine says of it
    const old = s.undone({
      ...rec,
      imageId: 77 as ImageId,
      arm: 'test',
      value: { kind: 'none' },
      image: { path: '/x/77.png', relPath: 'x/77.png', width: 5, height: 6 },
    });
    expect([old.mode, old.entry.relPath, old.entry.rank, s.angle]).toEqual(['test', 'x/77.png', -1, 0]);
  });

  it('keeps at most MAX_HISTORY labels to undo with their view state', () => {
    const s = new LabelingSession(360, true);
    s.takeNext(answer([up(1)]));
    for (let i = 0; i < MAX_HISTORY + 5; i++) s.recordLabel(s.current!, i);
    expect(s.historySize).toBe(MAX_HISTORY);
  });

  it('axial projects wrap into [0, 180); listeners hear every change', () => {
    const s = new LabelingSession(180, true);
    let heard = 0;
    const off = s.subscribe(() => heard++);
    s.takeNext(answer([up(1)]));
    s.setAngle(190);
    expect(s.angle).toBe(10);
    s.nudge(-15);
    expect(s.angle).toBe(175);
    off();
    s.nudge(1);
    expect(heard).toBe(3);
    expect(s.angle).toBe(176);
  });
});

describe('labeling key map', () => {
  const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
    key,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    repeat: false,
    ...more,
  });
  it('arrows turn by 1 or 15 degrees, digits set 0/90/180/270 (folded when axial), Enter/N/S/U/B act once', () => {
    expect(keyAction(press('ArrowLeft'), 360, false)).toEqual({ action: { kind: 'nudge', step: -1 }, preventDefault: true });
    expect(keyAction(press('ArrowRight', { shiftKey: true, repeat: true }), 360, false)?.action).toEqual({ kind: 'nudge', step: 15 });
    expect(keyAction(press('4'), 360, false)?.action).toEqual({ kind: 'set-angle', angle: 270 });
    expect(keyAction(press('3'), 180, false)?.action).toEqual({ kind: 'set-angle', angle: 0 });
    expect(keyAction(press('Enter'), 360, false)).toEqual({ action: { kind: 'accept' }, preventDefault: true });
    expect(keyAction(press('Enter', { repeat: true }), 360, false)).toEqual({ action: null, preventDefault: true });
    expect(keyAction(press('n'), 360, false)?.action).toEqual({ kind: 'none-label' });
    expect(keyAction(press('S'), 360, false)?.action).toEqual({ kind: 'skip' });
    expect(keyAction(press('z', { ctrlKey: true }), 360, false)).toEqual({ action: { kind: 'undo' }, preventDefault: true });
    expect(keyAction(press('b', { altKey: true }), 360, false)).toBeNull();
  });
  it('? toggles the help; while it is open only ? and Escape count', () => {
    expect(keyAction(press('/', { shiftKey: true }), 360, false)?.action).toEqual({ kind: 'toggle-help' });
    expect(keyAction(press('Enter'), 360, true)).toBeNull();
    expect(keyAction(press('Escape'), 360, true)).toEqual({ action: { kind: 'close-help' }, preventDefault: false });
  });
});
