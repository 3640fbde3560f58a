/**
 * Faults: kill -9 the real CLI while it orders 6,000 images by
 * furthest point sampling (a few hundred would finish in milliseconds). The
 * order is written in one transaction at the end, so the previous order stays
 * the queue, whole; "order" runs again and succeeds.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { cliEnv, cliOk, countRows, integrityCheck, readProject, spawnCli, tempRoot } from './fault-helpers.js';

let root: string;
beforeAll(() => {
  root = tempRoot('nl-sigkill-order-');
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

it('ordering: the previous order stays the queue; order runs again and succeeds', async () => {
  const env = cliEnv(root);
  const { store, file } = syntheticProject(6000, 64, {}, root);
  store.close();
  cliOk(['order', file, '--strategy', 'random'], env);
  const before = readProject(file, 300);
  expect(before.status.order).toEqual({ strategy: 'random', seed: 1, length: 5500, remaining: 5500 });

  const child = spawnCli(['order', file, '--strategy', 'fps'], env);
  await child.waitFor((_o, e) => /ordering 5500 images by fps/.test(e));
  await new Promise((r) => setTimeout(r, 50));
  expect(await child.kill9()).toBe('SIGKILL');
  expect(child.stdout(), 'order finished before the kill').not.toMatch(/ordered/);

  expect(integrityCheck(file)).toBe('ok');
  // the kill hit before the commit: the random order is still the queue, whole
  const after = readProject(file, 300);
  expect(after.status.order).toEqual(before.status.order);
  expect(after.queue).toEqual(before.queue);
  // the strategy setting changes only with the queue it names
  expect(before.status.settings.strategy).toBe('random');
  expect(after.status.settings.strategy).toBe('random');
  expect(countRows(file, 'order_entries')).toBe(5500);

  expect(cliOk(['order', file, '--strategy', 'fps'], env)).toContain('ordered 5500 images by fps');
  expect(readProject(file).status.order).toEqual({ strategy: 'fps', seed: 1, length: 5500, remaining: 5500 });
  expect(countRows(file, 'order_entries')).toBe(5500);
  expect(integrityCheck(file)).toBe('ok');
});
