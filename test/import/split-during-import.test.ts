/**
 * The test split while a folder imports, checked on real PNG files between
 * the import's batches (its progress calls): it grows before the import ends;
 * at the end it is exactly the split made from the whole folder at once (the
 * `target` images of lowest seeded hash rank of their SHA-256, computed here
 * with node:crypto); a test folder's images never reach the queue, not even
 * while they are still being written.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { seededHashUnit } from '../../src/shared/random.js';
import { tempDir } from '../helpers/synthetic-project.js';
import { numberedPng as png, putFile } from './png-writer.js';

const dirs: string[] = [];
const stores: ProjectStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('the test split during an import', () => {
  it('grows while the batches are written and ends as the split of the whole folder', async () => {
    const root = fs.realpathSync(tempDir('nl-split-'));
    dirs.push(root);
    const files = Array.from({ length: 600 }, (_, k) => putFile(root, `pool/d${Math.floor(k / 100)}/p${String(k).padStart(3, '0')}.png`, png(k)));
    const store = ProjectStore.create(path.join(root, 'p.nlproj'), { inputSize: 16, testFraction: 0.2, testMax: 100, seed: 3 });
    stores.push(store);
    const seen: { written: number; test: number; queued: number }[] = [];
    await importFolder(store, path.join(root, 'pool'), {
      batchSize: 20,
      concurrency: 2,
      progressIntervalMs: 0,
      onProgress: () => {
        const st = store.status();
        seen.push({ written: st.images.total, test: st.testSplit.size, queued: store.queue(5).length });
      },
    });
    // the split of the whole folder, by brute force: 100 lowest ranks of 600
    const want = files
      .map((f) => ({ f, r: seededHashUnit(sha(f), 3) }))
      .sort((a, b) => a.r - b.r)
      .slice(0, 100)
      .map((x) => x.f)
      .sort();
    const got = store
      .listImages({ status: 'ready' })
      .filter((i) => i.inTestSplit)
      .map((i) => i.path)
      .sort();
    expect(got).toEqual(want);
    // before the import ended, the view already had test images and queue images to show
    const early = seen.filter((s) => s.written > 0 && s.written < 300);
    expect(early.length).toBeGreaterThan(0);
    expect(early.some((s) => s.test > 0 && s.queued > 0)).toBe(true);
    // and the split then was a share of what was written, not the first images only
    for (const s of seen) expect(s.test).toBeLessThanOrEqual(Math.ceil(s.written * 0.2) + 5);
  });

  it('never queues a test folder image, even while the test folder is being written', async () => {
    const root = fs.realpathSync(tempDir('nl-split-'));
    dirs.push(root);
    for (let k = 0; k < 60; k++) putFile(root, `pool/p${k}.png`, png(k));
    const testFiles = new Set(Array.from({ length: 200 }, (_, k) => putFile(root, `test/t${k}.png`, png(1000 + k))));
    const store = ProjectStore.create(path.join(root, 'p.nlproj'), { inputSize: 16 });
    stores.push(store);
    await importFolder(store, path.join(root, 'pool'));
    let checks = 0;
    await importFolder(store, path.join(root, 'test'), {
      role: 'test',
      batchSize: 16,
      progressIntervalMs: 0,
      onProgress: () => {
        checks++;
        for (const q of store.queue(1000)) expect(testFiles.has(q.path)).toBe(false);
      },
    });
    expect(checks).toBeGreaterThan(5);
    expect(store.status().testSplit.size).toBe(200);
    expect(store.queue(1000).length).toBe(60);
  });
});
