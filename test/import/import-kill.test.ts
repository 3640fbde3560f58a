import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { GRAY, encodePng } from './png-writer.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = 200;
let tmp: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-kill-')));
  fs.mkdirSync(path.join(tmp, 'f'));
  for (let i = 0; i < N; i++) {
    const px = Array.from({ length: 16 }, (_, k) => (i * 31 + k * 7) % 256);
    px[0] = i % 256;
    px[1] = Math.floor(i / 256);
    fs.writeFileSync(path.join(tmp, 'f', `${String(i).padStart(3, '0')}.png`), encodePng(4, 4, GRAY, 8, px));
  }
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('an import killed with SIGKILL leaves a sound project holding whole batches, and a re-import adds only the rest', async () => {
  const project = path.join(tmp, 'p.nlproj');
  ProjectStore.create(project).close();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'import-child.ts'), project, path.join(tmp, 'f')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));

  const count = (): number => {
    const db = new Database(project, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 2000');
      return db.prepare('SELECT COUNT(*) FROM images').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const deadline = Date.now() + 30_000;
  let seen = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    seen = count();
    if (seen >= 40) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(seen, `child did not write 40 images in time; stderr: ${stderr}`).toBeGreaterThanOrEqual(40);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const store = ProjectStore.open(project);
  try {
    expect(projectSqlite(store).pragma('integrity_check', { simple: true })).toBe('ok');
    const kept = store.listImages().length;
    expect(kept).toBeGreaterThanOrEqual(seen);
    expect(kept).toBeLessThan(N);
    expect(kept % 8).toBe(0); // whole transactions of 8, never a half batch
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: N, added: N - kept, skippedExisting: kept });
    expect(store.status().images).toEqual({ ready: N, unreadable: 0, missing: 0, total: N });
  } finally {
    store.close();
  }
});
