/**
 * The label policy (src/main/policy/label-policy.ts), with hand-worked cases:
 * the test cadence, which source the next image comes from, which candidate
 * is chosen (on screen, skipped, offered again), and how one label is decided
 * (checks, duplicate target, wrap, arm).
 */
import { describe, expect, it } from 'vitest';
import { decideLabel, nextIsTest, nextModes, pickNext, testLabelsWanted, type LabelContext } from '../../src/main/policy/label-policy.js';
import type { Arm, ImageId, ImageRecord, QueueEntry } from '../../src/shared/types.js';

describe('test-split policy', () => {
  it('alternates test and queue images until 10 test labels, then shows one test image after every four training labels', () => {
    const seq: string[] = [];
    let train = 0;
    let test = 0;
    for (let i = 0; i < 60; i++) {
      const t = nextIsTest({ labeled: train, testSplit: { size: 30, labeled: test } });
      seq.push(t ? 'T' : 'Q');
      if (t) test++;
      else train++;
    }
    expect(seq.slice(0, 20).join('')).toBe('TQ'.repeat(10));
    // then four queue images and one test image, over and over
    expect(seq.slice(20, 60).join('')).toBe('QQQQT'.repeat(8));
    expect(test).toBe(18);
    // with the split exhausted, queue images only
    expect(testLabelsWanted({ labeled: 14, testSplit: { size: 30, labeled: 0 } })).toBe(11);
    expect(testLabelsWanted({ labeled: 200, testSplit: { size: 30, labeled: 0 } })).toBe(30);
    expect(nextIsTest({ labeled: 200, testSplit: { size: 30, labeled: 30 } })).toBe(false);
  });

  it('never asks for test images when the split is fully labeled', () => {
    expect(nextIsTest({ labeled: 0, testSplit: { size: 4, labeled: 4 } })).toBe(false);
    expect(nextIsTest({ labeled: 0, testSplit: { size: 0, labeled: 0 } })).toBe(false);
  });
});

describe('where the next image comes from', () => {
  const counts = (labeled: number, testLabeled: number, testSize: number) => ({ labeled, testSplit: { size: testSize, labeled: testLabeled } });

  it('test first while the cadence wants a test label, the queue as the fallback', () => {
    // 0 training, 0 test labels: wanted = min(30, 10) = 10 > 0 and 0 <= 0 -> test
    expect(nextModes(counts(0, 0, 30), 0, 0)).toEqual(['test', 'queue']);
    // one test image on screen counts as labeled: test 1 > train 0 -> queue
    expect(nextModes(counts(0, 0, 30), 1, 0)).toEqual(['queue', 'test']);
    // one test and one queue image on screen: test 1 <= train 1, 1 < 10 -> test
    expect(nextModes(counts(0, 0, 30), 1, 1)).toEqual(['test', 'queue']);
    // 14 training, 10 test labels: wanted = 10 + floor(4 / 4) = 11 > 10 -> test
    expect(nextModes(counts(14, 10, 30), 0, 0)).toEqual(['test', 'queue']);
    // 13 training: wanted = 10 + floor(3 / 4) = 10, not more than the 10 test labels -> queue
    expect(nextModes(counts(13, 10, 30), 0, 0)).toEqual(['queue', 'test']);
  });

  it('never the test split when its unlabeled images are all on screen or labeled', () => {
    expect(nextModes(counts(0, 3, 4), 1, 0)).toEqual(['queue']);
    expect(nextModes(counts(0, 4, 4), 0, 0)).toEqual(['queue']);
    expect(nextModes(counts(5, 0, 0), 0, 0)).toEqual(['queue']);
  });
});

describe('which candidate is shown next', () => {
  const entry = (id: number, arm: Arm = 'none'): QueueEntry => ({
    imageId: id as ImageId,
    path: `/i/${id}.png`,
    relPath: `${id}.png`,
    rank: id,
    coverageRadius: null,
    arm,
    width: 8,
    height: 8,
  });
  const ids = (...xs: number[]) => new Set(xs.map((x) => x as ImageId));
  const list = [entry(1), entry(2), entry(3), entry(4)];

  it('the first candidate neither on screen nor skipped', () => {
    expect(pickNext('queue', list, ids(1), ids(2), 10, 1)).toEqual({ entry: list[2], mode: 'queue', reoffered: false });
    expect(pickNext('test', list, ids(), ids(), 0, 0)).toEqual({ entry: list[0], mode: 'test', reoffered: false });
  });

  it('a skipped queue image comes again only when nothing else is left and the queue has more than is on screen', () => {
    // 1 on screen, 2-4 skipped, 4 left in the queue (> 1 on screen): the first skipped, 2, comes again
    expect(pickNext('queue', list, ids(1), ids(2, 3, 4), 4, 1)).toEqual({ entry: list[1], mode: 'queue', reoffered: true });
    // only the image on screen is left in the queue: nothing
    expect(pickNext('queue', list, ids(1), ids(2, 3, 4), 1, 1)).toBeNull();
    // test images skipped are not offered again (the queue is the fallback then)
    expect(pickNext('test', list, ids(1), ids(2, 3, 4), 4, 0)).toBeNull();
    expect(pickNext('queue', [], ids(), ids(), 3, 0)).toBeNull();
  });
});

describe('one label decided', () => {
  const img = (id: number, over: Partial<ImageRecord> = {}): ImageRecord => ({
    id: id as ImageId,
    path: `/p/${id}.png`,
    relPath: `${id}.png`,
    sha256: `h${id}`,
    status: 'ready',
    error: null,
    width: 8,
    height: 8,
    duplicateOf: null,
    inTestSplit: false,
    ...over,
  });
  const original = img(1);
  const testImage = img(2, { inTestSplit: true });
  const copy = img(3, { duplicateOf: 1 as ImageId });
  const broken = img(4, { status: 'unreadable', error: 'not a supported image format' });
  const byId = new Map([original, testImage, copy, broken].map((i) => [i.id as number, i]));
  const ctx = (id: number, axial = false): LabelContext => ({
    given: byId.get(id) ?? null,
    targetOf: (i) => (i.duplicateOf === null ? i : (byId.get(i.duplicateOf) ?? i)),
    queueArm: (i) => (i === 1 ? 'random' : 'none'),
    axial,
  });

  it("wraps the angle into the period of the project and lands a duplicate on its original, with the original's arm", () => {
    expect(decideLabel({ imageId: 3 as ImageId, angle: -30 }, ctx(3))).toEqual({ target: original, value: { kind: 'angle', angle: 330 }, arm: 'random' });
    expect(decideLabel({ imageId: 1 as ImageId, angle: 400 }, ctx(1))).toEqual({ target: original, value: { kind: 'angle', angle: 40 }, arm: 'random' });
    // axial: 190 -> 10
    expect(decideLabel({ imageId: 1 as ImageId, angle: 190 }, ctx(1, true)).value).toEqual({ kind: 'angle', angle: 10 });
    expect(decideLabel({ imageId: 1 as ImageId, angle: null }, ctx(1)).value).toEqual({ kind: 'none' });
  });

  it("a test-split image's label is tagged 'test'; an arm the caller gives is kept", () => {
    expect(decideLabel({ imageId: 2 as ImageId, angle: 5 }, ctx(2)).arm).toBe('test');
    expect(decideLabel({ imageId: 1 as ImageId, angle: 5, arm: 'novelty' }, ctx(1)).arm).toBe('novelty');
  });

  it('refuses an unknown or unreadable image and an angle that is not a finite number', () => {
    expect(() => decideLabel({ imageId: 99 as ImageId, angle: 5 }, ctx(99))).toThrow('no image with id 99 in this project');
    expect(() => decideLabel({ imageId: 4 as ImageId, angle: 5 }, ctx(4))).toThrow(
      'image 4 (/p/4.png) is unreadable (not a supported image format); only readable images can be labeled',
    );
    expect(() => decideLabel({ imageId: 1 as ImageId, angle: Number.NaN }, ctx(1))).toThrow(/angle must be a number of degrees or null/);
    expect(() => decideLabel({ imageId: 1 as ImageId, angle: Number.POSITIVE_INFINITY }, ctx(1))).toThrow(/angle must be a number/);
  });
});
