/**
 * The import runs in a job worker with its own connection; the service reads
 * the provisional queue on another. Whatever a batch's transaction commits is
 * visible to that reader at once, so every committed state must already keep
 * test-folder images out of the queue (the split update shares the batch's
 * transaction).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { tempDir } from '../helpers/synthetic-project.js';
import { numberedPng as png, putFile } from './png-writer.js';

const dirs: string[] = [];
const stores: ProjectStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('test folder import seen from another connection', () => {
  it('no committed state queues a test folder image', async () => {
    const root = fs.realpathSync(tempDir('nl-race-'));
    dirs.push(root);
    for (let k = 0; k < 40; k++) putFile(root, `pool/p${k}.png`, png(k));
    const testFiles = new Set(Array.from({ length: 64 }, (_, k) => putFile(root, `test/t${k}.png`, png(1000 + k))));
    const file = path.join(root, 'p.nlproj');
    const store = ProjectStore.create(file, { inputSize: 16 });
    stores.push(store);
    await importFolder(store, path.join(root, 'pool'));
    // the service's connection, reading while the worker's import commits batches
    const reader = ProjectStore.open(file);
    stores.push(reader);
    const orig = store.transaction.bind(store);
    let leaked: string[] = [];
    let commits = 0;
    store.transaction = (<T>(fn: () => T): T => {
      const r = orig(fn);
      commits++;
      leaked = leaked.concat(
        reader
          .queue(1000)
          .filter((q) => testFiles.has(q.path))
          .map((q) => q.path),
      );
      return r;
    }) as typeof store.transaction;
    await importFolder(store, path.join(root, 'test'), { role: 'test', batchSize: 16 });
    expect(commits).toBeGreaterThan(3);
    expect(leaked).toEqual([]);
  });
});
