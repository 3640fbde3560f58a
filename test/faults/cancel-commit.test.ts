/**
 * A job cancelled at any moment commits nothing: the check sits inside the
 * final commit (order: the switch to the new queue, with the strategy
 * setting; evaluate: the new curve point), so a short run that finishes its
 * work after Ctrl+C still leaves the project as it was.
 */
import { describe, expect, it } from 'vitest';
import { runOrderJob } from '../../src/main/jobs/order-job.js';
import type { JobContext } from '../../src/main/jobs/job-types.js';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { countRows } from './fault-helpers.js';

/** A job context whose cancel request arrives once the work is done (the signal never fired: a synchronous job blocks its timer). */
function lateCancel(): { ctx: JobContext; cancelAfterWork: () => void } {
  let asked = false;
  const ctx: JobContext = {
    progress: (p) => {
      if (p.done > 0 && p.done === p.total) asked = true;
    },
    signal: new AbortController().signal,
    cancelled: () => asked,
    log: () => undefined,
  };
  return { ctx, cancelAfterWork: () => (asked = true) };
}

describe('cancel reaches the commit', () => {
  it('order: a cancel after the queue was computed keeps the previous queue and strategy', () => {
    const { store, file } = syntheticProject(300, 4, { strategy: 'random' });
    runOrderJob(
      store,
      { kind: 'order', strategy: 'random', seed: 1 },
      { progress: () => undefined, signal: new AbortController().signal, log: () => undefined },
    );
    const before = { order: store.activeOrder(), queue: store.queue(20).map((e) => e.imageId), strategy: store.settings.strategy };
    const { ctx, cancelAfterWork } = lateCancel();
    cancelAfterWork();
    expect(() => runOrderJob(store, { kind: 'order', strategy: 'fps', seed: 1, saveStrategy: true }, ctx)).toThrow(/order was cancelled/);
    expect(store.activeOrder()).toEqual(before.order);
    expect(store.queue(20).map((e) => e.imageId)).toEqual(before.queue);
    expect(store.settings.strategy).toBe('random');
    // the cancelled order's rows are gone, not left for later clean-up
    expect(countRows(file, 'orders')).toBe(1);
    // not cancelled: queue and setting change together
    runOrderJob(
      store,
      { kind: 'order', strategy: 'fps', seed: 1, saveStrategy: true },
      { progress: () => undefined, signal: new AbortController().signal, log: () => undefined },
    );
    expect(store.activeOrder()?.strategy).toBe('fps');
    expect(store.settings.strategy).toBe('fps');
    store.close();
  });
});
