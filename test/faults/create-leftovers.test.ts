/**
 * Creating a project leaves nothing behind when it fails or is killed: the
 * file is built in memory and written in one step; a temp file a killed
 * `init` left is removed by the next create; a missing image folder is
 * refused before the project is made, with its error said once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { importFolder } from '../../src/main/import/import-folder.js';
import { tempRoot } from './fault-helpers.js';

const root = tempRoot('nl-create-');
let svc: LabelerService | null = null;
afterAll(() => svc?.close());

describe('creating a project', () => {
  it("a killed create's temp file and journal are removed by the next create; a live process's are kept", () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    const file = path.join(root, 'p.nlproj');
    const leftovers = [`${file}.creating-${dead}`, `${file}.creating-${dead}-journal`];
    for (const f of leftovers) fs.writeFileSync(f, 'half a project');
    const live = `${file}.creating-${process.ppid}`; // the test runner's parent is alive
    fs.writeFileSync(live, 'being written');
    const store = ProjectStore.create(file);
    store.close();
    expect(fs.readdirSync(root).sort()).toEqual(['p.nlproj', `p.nlproj.creating-${process.ppid}`]);
    fs.rmSync(live);
    // the new project is whole: settings and schema
    const again = ProjectStore.open(file);
    expect(again.settings.inputSize).toBeGreaterThan(0);
    again.close();
  });

  it('a missing image folder: refused before the project is made, nothing left, the error said once', async () => {
    svc = await LabelerService.create({ dataDir: path.join(root, 'data') });
    const dir = path.join(root, 'app');
    fs.mkdirSync(dir);
    const missing = path.join(root, 'no-such-folder');
    await expect(svc.invoke('project:create', { path: path.join(dir, 'no-such-folder.nlproj'), folder: missing })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/no-such-folder does not exist or is not a folder; no project was created/),
    });
    expect(fs.readdirSync(dir)).toEqual([]);

    const store = ProjectStore.create(path.join(root, 'q.nlproj'));
    try {
      const err = await importFolder(store, missing).catch((e: Error) => e);
      expect((err as Error).message).toMatch(/ENOENT/);
      expect((err as Error).message.match(/ENOENT/g)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
