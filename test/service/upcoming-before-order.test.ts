import { describe, expect, it } from 'vitest';
import { nextUp } from '../../src/main/service/label-path.js';
import { nextIsTest } from '../../src/main/policy/label-policy.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

describe('queue:upcoming before the first order', () => {
  it('hands out test images and the provisional queue by the test cadence while no order exists', async () => {
    const { store } = syntheticProject(200, 4);
    expect(store.hasActiveOrder()).toBe(false);
    const testIds = new Set(
      store
        .listImages({ status: 'ready' })
        .filter((i) => i.inTestSplit)
        .map((i) => i.id),
    );
    expect(testIds.size).toBeGreaterThan(2);
    const provisional = store.queue(4).map((q) => q.imageId);
    expect(provisional.length).toBe(4);
    const st = store.status();
    const four = await nextUp(store, { showing: [], count: 4 }, undefined, async () => [], 50);
    // the modes the cadence asks for, worked out one image at a time from the counts
    const want: ('test' | 'queue')[] = [];
    let t = 0;
    let q = 0;
    for (let k = 0; k < 4; k++) {
      const test = nextIsTest(st, t, q);
      want.push(test ? 'test' : 'queue');
      if (test) t++;
      else q++;
    }
    expect(want).toContain('test');
    expect(want).toContain('queue');
    expect(four.upcoming.map((u) => u.mode)).toEqual(want);
    for (const u of four.upcoming) expect(u.mode === 'test' ? testIds.has(u.entry.imageId) : !testIds.has(u.entry.imageId)).toBe(true);
    expect(four.upcoming.filter((u) => u.mode === 'queue').map((u) => u.entry.imageId)).toEqual(provisional.slice(0, q));
    store.close();
  });
});
