/**
 * One label, one request: label:set (and label:skip) with `next` store the
 * label and answer what the view shows next, chosen by the engine's test
 * cadence; queue:upcoming answers the same without a label. Expectations are
 * worked by hand from the cadence (alternate test and queue images until 10
 * test labels) and from the raw queue and test lists.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';

const open: LabelerService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function project(n: number, guessBudgetMs?: number): Promise<LabelerService> {
  const { store, file } = syntheticProject(n, 4, { testFraction: 0.25 });
  store.close();
  const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester', ...(guessBudgetMs ? { guessBudgetMs } : {}) });
  open.push(svc);
  await svc.invoke('project:open', { path: file });
  await svc.invoke('order:run', { strategy: 'random', seed: 3 });
  return svc;
}

const idsOf = (xs: readonly { imageId: ImageId }[]): ImageId[] => xs.map((x) => x.imageId);

describe('the label path', () => {
  it('queue:upcoming: a test image first, then the queue; label:set with next carries the status and the image after the held one', async () => {
    const svc = await project(40);
    const tests = idsOf(await svc.invoke('queue:next', { count: 40, mode: 'test' }));
    const queue = idsOf(await svc.invoke('queue:next', { count: 40 }));
    expect(tests.length).toBeGreaterThan(3);

    // nothing labeled: 0 test <= 0 training and 0 < 10 wanted -> test; with that test image pending, 1 > 0 -> queue
    const first = await svc.invoke('queue:upcoming', { showing: [], count: 2 });
    expect(first.upcoming.map((u) => [u.entry.imageId, u.mode, u.reoffered])).toEqual([
      [tests[0], 'test', false],
      [queue[0], 'queue', false],
    ]);
    expect([first.status.labeled, first.status.testSplit.labeled]).toEqual([0, 0]);
    expect(first.guesses).toEqual([]); // not asked

    // label the test image while the queue image is held: 1 test <= 1 pending training -> the next test image
    const l1 = await svc.invoke('label:set', { imageId: tests[0]!, angle: 370 as Degrees, next: { showing: [queue[0]!] } });
    expect([l1.imageId, l1.value, l1.arm]).toEqual([tests[0], { kind: 'angle', angle: 10 }, 'test']);
    // (the test split's random order is a seeded shuffle of the images still unlabeled: read it again)
    const testsAfter = idsOf(await svc.invoke('queue:next', { count: 40, mode: 'test' }));
    expect(l1.next!.upcoming.map((u) => [u.entry.imageId, u.mode])).toEqual([[testsAfter[0], 'test']]);
    expect([l1.next!.status.labeled, l1.next!.status.testSplit.labeled]).toEqual([0, 1]);

    // label the queue image while the second test image is held: 2 test > 1 training -> the queue's next
    const l2 = await svc.invoke('label:set', { imageId: queue[0]!, angle: 90 as Degrees, next: { showing: [testsAfter[0]!] } });
    expect(l2.next!.upcoming.map((u) => [u.entry.imageId, u.mode])).toEqual([[queue[1], 'queue']]);
    expect([l2.next!.status.labeled, l2.next!.status.testSplit.labeled]).toEqual([1, 1]);
    expect(l2.next!.status.order!.remaining).toBe(queue.length - 1);

    // without next, label:set answers the label alone (the CLI's use)
    const plain = await svc.invoke('label:set', { imageId: testsAfter[0]!, angle: 5 as Degrees });
    expect(plain.next).toBeUndefined();
  });

  it('label:skip with next: the skipped image is passed over while others are left, then offered again', async () => {
    const svc = await project(8);
    const queue = idsOf(await svc.invoke('queue:next', { count: 8 }));
    const tests = idsOf(await svc.invoke('queue:next', { count: 8, mode: 'test' }));
    // label every test image first so only the queue is left
    for (const t of tests) await svc.invoke('label:set', { imageId: t, angle: 0 as Degrees });
    expect(queue.length).toBeGreaterThanOrEqual(3);
    const skippedSoFar: ImageId[] = [];
    // skip all queue images but the last, holding the one after each
    for (let i = 0; i < queue.length - 1; i++) {
      skippedSoFar.push(queue[i]!);
      const nu = await svc.invoke('label:skip', { imageId: queue[i]!, next: { showing: [queue[i + 1]!], skipped: skippedSoFar } });
      if (i + 2 < queue.length) expect(nu!.upcoming.map((u) => [u.entry.imageId, u.reoffered])).toEqual([[queue[i + 2], false]]);
      // only skipped images are left besides the one held: the first skipped comes again
      else expect(nu!.upcoming.map((u) => [u.entry.imageId, u.reoffered])).toEqual([[queue[0], true]]);
    }
    expect(await svc.invoke('label:skip', { imageId: queue[0]! })).toBeNull();
  });

  it('guesses only for queue images, never for a test image', async () => {
    const svc = await project(40, 60_000);
    const tests = idsOf(await svc.invoke('queue:next', { count: 40, mode: 'test' }));
    const queue = idsOf(await svc.invoke('queue:next', { count: 40 }));
    // one test label: 1 test > 0 training -> the queue first; then 1 test <= 1 pending training -> a test image
    await svc.invoke('label:set', { imageId: tests[5]!, angle: 30 as Degrees });
    // the test split's random order is a seeded shuffle of the images still unlabeled: read it again
    tests.splice(0, tests.length, ...idsOf(await svc.invoke('queue:next', { count: 40, mode: 'test' })));
    const nu = await svc.invoke('queue:upcoming', { showing: [], count: 2, guess: true });
    expect(nu.upcoming.map((u) => u.entry.imageId)).toEqual([queue[0], tests[0]]);
    expect(nu.guesses!.map((g) => [g.imageId, g.exemplars])).toEqual([[queue[0], 1]]);
    expect(nu.guesses![0]!.angle).not.toBeNull();
  }, 60_000);
});
