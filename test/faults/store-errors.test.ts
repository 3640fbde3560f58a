/**
 * A damaged or read-only project gives a sentence naming the file, what is
 * wrong and what to do, never a raw SQLite error; reading commands work on a
 * project that cannot be written.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { ProjectStore, mapStoreError } from '../../src/main/store/project-store.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { cliEnv, runCli, tempRoot } from './fault-helpers.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

const root = tempRoot('nl-store-errors-');
const services: LabelerService[] = [];
afterAll(() => {
  for (const s of services) s.close();
});

async function openIn(file: string): Promise<LabelerService> {
  const svc = await LabelerService.create({ dataDir: path.join(root, 'data'), annotator: 't' });
  services.push(svc);
  await svc.invoke('project:open', { path: file });
  return svc;
}

function project(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const { store, file } = syntheticProject(20, 3, {}, dir);
  store.close();
  return file;
}

/** Make `dir` read-only for this process: a read-only bind mount as root (who may write any file), else file modes. */
function makeReadOnly(dir: string): { view: string; undo: () => void } | null {
  if (process.getuid?.() === 0) {
    const view = `${dir}-ro`;
    fs.mkdirSync(view);
    try {
      execFileSync('mount', ['--bind', '-o', 'ro', dir, view], { stdio: 'ignore' });
    } catch {
      return null;
    }
    return { view, undo: () => execFileSync('umount', [view]) };
  }
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o444);
  fs.chmodSync(dir, 0o555);
  return { view: dir, undo: () => fs.chmodSync(dir, 0o755) };
}

describe('store errors as sentences', () => {
  it('settings that are not JSON, and a dropped table, name the file and say to restore a backup', async () => {
    const bad = project('bad-settings');
    const db = new Database(bad);
    db.prepare("UPDATE meta SET value = '{not json' WHERE key = 'settings'").run();
    db.close();
    await expect(openIn(bad)).rejects.toMatchObject({
      name: 'AppError',
      message: expect.stringMatching(/bad-settings\/synthetic\.nlproj: its settings .* are not valid JSON; restore/),
    });

    const dropped = project('dropped');
    const svc = await openIn(dropped);
    projectSqlite(svc.project).exec('DROP TABLE labels');
    await expect(svc.invoke('label:set', { imageId: 1 as ImageId, angle: 10 as Degrees })).rejects.toMatchObject({
      name: 'AppError',
      message: expect.stringMatching(/dropped\/synthetic\.nlproj lacks the table "labels" every Novelty Labeler project has.*restore it from a backup/),
    });
  });

  it('a full disk and a read-only file map to what to do', () => {
    const full = mapStoreError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'), '/x/p.nlproj') as Error;
    expect(full.message).toMatch(/^disk full .* saving to \/x\/p\.nlproj; nothing of this step was saved: free some disk space/);
    const ro = mapStoreError(new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'), '/x/p.nlproj') as Error;
    expect(ro.message).toMatch(/^\/x\/p\.nlproj cannot be written .*make them writable/);
  });

  it('a read-only project: status and next work, a label is refused with a sentence', async () => {
    const file = project('read-only');
    // an order, so that next has a queue to show
    const store = ProjectStore.open(file);
    store.saveOrder({
      strategy: 'random',
      seed: 1,
      embeddingSetId: null,
      entries: store.listPoolImages().map((i) => ({ imageId: i.id, coverageRadius: null, arm: 'random' as const })),
    });
    store.close();
    const ro = makeReadOnly(path.dirname(file));
    if (!ro) {
      console.info('read-only project check skipped: this machine cannot make a read-only bind mount (root in a container without CAP_SYS_ADMIN)');
      return;
    }
    try {
      const p = path.join(ro.view, path.basename(file));
      const svc = await openIn(p);
      const st = await svc.invoke('project:status', {});
      expect(st.images.ready).toBe(20);
      expect((await svc.invoke('queue:next', { count: 3 })).length).toBe(3);
      await expect(svc.invoke('label:set', { imageId: st.images.ready as ImageId, angle: 5 as Degrees })).rejects.toMatchObject({
        name: 'AppError',
        message: expect.stringMatching(/read-only\S*\/synthetic\.nlproj cannot be written .*Read-only commands \(status, next, export\) work/),
      });
      svc.close();
      const r = runCli(['status', p], cliEnv(root));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/images: 20 ready/);
    } finally {
      ro.undo();
    }
  }, 60_000);
});
