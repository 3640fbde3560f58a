/**
 * `import FOLDER --test`: the folder's images are the test split. Checked
 * through the service on real PNG files: they never reach the queue under
 * any strategy (interleaved too), status counts them, the random split is
 * off once a test folder exists (its images return to the pool with their
 * labels), a re-import keeps the folder's role, and a test folder may not
 * overlap a pool folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { isAppError } from '../../src/shared/errors.js';
import { STRATEGIES, type ImageId } from '../../src/shared/types.js';
import type { Degrees } from '../../src/shared/angle.js';
import { tempDir } from '../helpers/synthetic-project.js';
import { distinctPng, putFile } from './png-writer.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function setup(): Promise<{ svc: LabelerService; root: string }> {
  const root = fs.realpathSync(tempDir('nl-testfolder-'));
  dirs.push(root);
  for (let i = 0; i < 40; i++) putFile(root, `pool/p${String(i).padStart(2, '0')}.png`, distinctPng(i));
  for (let i = 0; i < 12; i++) putFile(root, `test/t${String(i).padStart(2, '0')}.png`, distinctPng(100 + i));
  const svc = await LabelerService.create({ dataDir: path.join(root, 'data'), annotator: 'tester' });
  await svc.invoke('project:create', { path: path.join(root, 'p.nlproj'), settings: { inputSize: 16, testFraction: 0.25, testMax: 500 } });
  return { svc, root };
}

/** Embeddings for every pool image (ready, not a duplicate), keyed by id: 2-d points on a spiral, so every strategy has a real order to make. */
function writeEmbeddings(svc: LabelerService, root: string): string {
  const rows = svc.project.listPoolImages().map((img, k) => `${img.id},${(Math.cos(k) * (1 + k / 10)).toFixed(4)},${(Math.sin(k) * (1 + k / 10)).toFixed(4)}`);
  const file = path.join(root, 'emb.csv');
  fs.writeFileSync(file, ['id,e0,e1', ...rows].join('\n') + '\n');
  return file;
}

describe('import --test', () => {
  it('makes the folder the test split: never queued under any strategy, counted by status, random split off, role kept on re-import', async () => {
    const { svc, root } = await setup();
    try {
      await svc.invoke('images:import', { folder: path.join(root, 'pool') });
      let st = await svc.invoke('project:status', {});
      // Without a test folder: the random split, 25 % of 40.
      expect(st.testSplit.size).toBe(10);
      expect(st.testSplit.folders).toEqual([]);
      const randomTest = svc.project.listPoolImages().filter((i) => i.inTestSplit);
      expect(randomTest.length).toBe(10);
      await svc.invoke('label:set', { imageId: randomTest[0]!.id, angle: 30 as Degrees });
      expect((await svc.invoke('project:status', {})).testSplit.labeled).toBe(1);

      const rep = await svc.invoke('images:import', { folder: path.join(root, 'test'), test: true });
      expect(rep.added).toBe(12);
      st = await svc.invoke('project:status', {});
      expect(st.testSplit).toEqual({ size: 12, labeled: 0, folders: [path.join(root, 'test')] });
      const images = svc.project.listImages();
      const testIds = new Set(images.filter((i) => i.relPath.startsWith('t')).map((i) => i.id));
      const poolIds = images.filter((i) => i.relPath.startsWith('p')).map((i) => i.id);
      expect(testIds.size).toBe(12);
      // Exactly the test folder's images are in the split; the random split's images are back in the pool.
      for (const img of images) expect(img.inTestSplit).toBe(testIds.has(img.id));
      // The label given to a random-split image stays, now as a training label.
      expect(st.labeled).toBe(1);
      expect(svc.project.currentLabels().map((l) => l.imageId)).toEqual([randomTest[0]!.id]);

      await svc.invoke('embed:run', { fromFile: writeEmbeddings(svc, root) });
      const unlabeledPool = poolIds.filter((id) => id !== randomTest[0]!.id).sort((a, b) => a - b);
      for (const strategy of STRATEGIES) {
        await svc.invoke('order:run', { strategy, seed: 5 });
        const queue = await svc.invoke('queue:next', { count: 1000 });
        const ids = queue.map((q) => q.imageId as number);
        expect(
          ids.filter((id) => testIds.has(id as ImageId)),
          strategy,
        ).toEqual([]);
        expect(
          [...ids].sort((a, b) => a - b),
          strategy,
        ).toEqual(unlabeledPool);
        // The test mode hands out the test folder's images only.
        const test = await svc.invoke('queue:next', { count: 1000, mode: 'test' });
        expect(new Set(test.map((q) => q.imageId)), strategy).toEqual(testIds);
      }

      // Re-importing either folder without the flag keeps its role.
      await svc.invoke('images:import', { folder: path.join(root, 'test') });
      await svc.invoke('images:import', { folder: path.join(root, 'pool') });
      st = await svc.invoke('project:status', {});
      expect(st.testSplit.size).toBe(12);
      expect(st.testSplit.folders).toEqual([path.join(root, 'test')]);
      for (const img of svc.project.listImages()) expect(img.inTestSplit).toBe(testIds.has(img.id));
      expect(svc.project.listFolders().map((f) => [path.basename(f.path), f.role])).toEqual([
        ['pool', 'pool'],
        ['test', 'test'],
      ]);
    } finally {
      svc.close();
    }
  }, 240_000); // seven orders, each in a worker: ~20 s on an idle machine

  it('refuses a test folder inside a pool folder (and a pool folder inside a test folder)', async () => {
    const { svc, root } = await setup();
    try {
      putFile(root, 'pool/sub/s.png', distinctPng(200));
      await svc.invoke('images:import', { folder: path.join(root, 'pool') });
      const err = await svc.invoke('images:import', { folder: path.join(root, 'pool', 'sub'), test: true }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code === 'invalid-argument' && err.message.includes('overlaps')).toBe(true);
      await svc.invoke('images:import', { folder: path.join(root, 'test'), test: true });
      putFile(root, 'test/inner/i.png', distinctPng(201));
      const err2 = await svc.invoke('images:import', { folder: path.join(root, 'test', 'inner') }).catch((e: unknown) => e);
      expect(isAppError(err2) && err2.code === 'invalid-argument').toBe(true);
      expect((await svc.invoke('project:status', {})).testSplit.size).toBe(12);
      // a link to the pool folder is the pool folder: refused as a test folder too
      fs.symlinkSync(path.join(root, 'pool'), path.join(root, 'poollink'));
      const err3 = await svc.invoke('images:import', { folder: path.join(root, 'poollink'), test: true }).catch((e: unknown) => e);
      expect(isAppError(err3) && err3.code === 'invalid-argument' && err3.message.includes('overlaps')).toBe(true);
    } finally {
      svc.close();
    }
  });

  it('a moved test folder imported again without --test does not turn its images (and labels) into training ones', async () => {
    const { svc, root } = await setup();
    try {
      await svc.invoke('images:import', { folder: path.join(root, 'pool') });
      await svc.invoke('images:import', { folder: path.join(root, 'test'), test: true });
      const testImg = svc.project.listPoolImages().find((i) => i.inTestSplit)!;
      await svc.invoke('label:set', { imageId: testImg.id, angle: 33 as Degrees });
      const before = await svc.invoke('project:status', {});
      fs.renameSync(path.join(root, 'test'), path.join(root, 'moved'));
      const r = await svc.invoke('images:import', { folder: path.join(root, 'moved') });
      expect(r.relinked).toBe(0);
      expect(r.problems!.filter((p) => p.error.includes('import its new place with --test'))).toHaveLength(12);
      const after = await svc.invoke('project:status', {});
      // the held-out images and their label stay test-split
      expect(after.testSplit.size).toBe(before.testSplit.size);
      expect(svc.project.listPoolImages().find((i) => i.id === testImg.id)!.inTestSplit).toBe(true);
      // once imported as a pool folder, the same place cannot also be a test folder
      const r2 = await svc.invoke('images:import', { folder: path.join(root, 'moved'), test: true }).catch((e: unknown) => e);
      expect(isAppError(r2) && r2.message.includes('overlaps')).toBe(true);
    } finally {
      svc.close();
    }
  });
});
