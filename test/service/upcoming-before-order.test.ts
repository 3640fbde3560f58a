import { describe, expect, it } from 'vitest';
import { nextUp } from '../../src/main/service/label-path.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

describe('queue:upcoming before the first order', () => {
  it('hands out test images while no order exists, however many the view asks for', async () => {
    const { store } = syntheticProject(200, 4);
    expect(store.hasActiveOrder()).toBe(false);
    const testIds = new Set(
      store
        .listImages({ status: 'ready' })
        .filter((i) => i.inTestSplit)
        .map((i) => i.id),
    );
    expect(testIds.size).toBeGreaterThan(2);
    const one = await nextUp(store, { showing: [], count: 1 }, undefined, async () => [], 50);
    expect(one.upcoming.map((u) => u.mode)).toEqual(['test']);
    const two = await nextUp(store, { showing: [], count: 2 }, undefined, async () => [], 50);
    expect(two.upcoming.map((u) => u.mode)).toEqual(['test', 'test']);
    for (const u of two.upcoming) expect(testIds.has(u.entry.imageId)).toBe(true);
    store.close();
  });
});
