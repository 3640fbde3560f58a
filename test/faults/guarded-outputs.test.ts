/**
 * Every output goes through the guarded writer: compare --out never writes
 * through a link into the project, never replaces a file without overwrite,
 * never writes inside an imported folder; a write that fails (a full disk)
 * leaves nothing behind, says "disk full: N MB needed", and the retry works.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wrapDegrees } from '../../src/shared/angle.js';
import { runCompareJob } from '../../src/main/eval/compare-job.js';
import { exportLabels } from '../../src/main/export/export-labels.js';
import { guardOf, writeOutputs } from '../../src/main/io/guarded-write.js';
import type { ProjectStore } from '../../src/main/store/project-store.js';
import type { JobContext } from '../../src/main/jobs/job-types.js';
import { makeProject } from '../io/make-project.js';
import { tempRoot } from './fault-helpers.js';

const digest = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function labeledProject(): Promise<{ store: ProjectStore; dir: string; folder: string }> {
  const dir = tempRoot('nl-guard-');
  const folder = path.join(dir, 'photos');
  const bytes = async (v: number): Promise<Buffer> =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: { r: v, g: 255 - v, b: 9 } } })
      .png()
      .toBuffer();
  const p = makeProject(
    [
      { folder, relPath: 'a.png', bytes: await bytes(10) },
      { folder, relPath: 'b.png', bytes: await bytes(120) },
      { folder, relPath: 'sub/c.png', bytes: await bytes(240) },
    ],
    {},
    dir,
  );
  p.ids.forEach((id, i) => p.store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(40 * i) }, annotator: 't' }));
  return { store: p.store, dir, folder };
}

const ctx: JobContext = { signal: new AbortController().signal, progress: () => undefined } as unknown as JobContext;
const compareSpec = (outDir: string, overwrite = false) => ({
  kind: 'compare' as const,
  backend: 'cpu' as const,
  sizes: [2],
  seeds: 1,
  strategies: ['random'],
  outDir,
  overwrite,
});

/** Every entry under dir (relative), files and folders. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = path.relative(dir, path.join(d, e.name));
      out.push(rel);
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

afterEach(() => vi.restoreAllMocks());

describe('compare --out through the guarded writer', () => {
  it('curve.csv a symlink to the project: refused, the project keeps every byte', async () => {
    const { store, dir } = await labeledProject();
    const out = path.join(dir, 'cmp');
    fs.mkdirSync(out);
    fs.symlinkSync(store.path, path.join(out, 'curve.csv'));
    const before = digest(store.path);
    for (const overwrite of [false, true]) {
      await expect(runCompareJob(store, compareSpec(out, overwrite), ctx)).rejects.toMatchObject({
        code: 'invalid-argument',
        message: expect.stringMatching(/curve\.csv is a symbolic link to the project file/),
      });
    }
    expect(digest(store.path)).toBe(before);
    expect(store.currentLabels()).toHaveLength(3);
    expect(tree(out)).toEqual(['curve.csv']);
  });

  it('an existing curve.svg is not replaced without overwrite; an out folder that is a link or inside an imported folder is refused', async () => {
    const { store, dir, folder } = await labeledProject();
    const out = path.join(dir, 'cmp');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'curve.svg'), 'mine');
    await expect(runCompareJob(store, compareSpec(out), ctx)).rejects.toThrow(/curve\.svg already exists.*--overwrite/);
    expect(fs.readFileSync(path.join(out, 'curve.svg'), 'utf8')).toBe('mine');
    await expect(runCompareJob(store, compareSpec(path.join(folder, 'results')), ctx)).rejects.toThrow(/inside the imported folder/);
    expect(fs.existsSync(path.join(folder, 'results'))).toBe(false);
    const linked = path.join(dir, 'linked-out');
    fs.symlinkSync(folder, linked);
    await expect(runCompareJob(store, compareSpec(linked), ctx)).rejects.toThrow(/symbolic link/);
    expect(tree(folder)).toEqual(['a.png', 'b.png', 'sub', 'sub/c.png']);
  });
});

describe('writeOutputs', () => {
  it('never the -wal/-shm or a hard link of the project; a symlinked out folder is refused; overwrite replaces a regular file only', async () => {
    const { store, dir } = await labeledProject();
    const guard = guardOf(store, true);
    for (const side of ['-wal', '-shm', '-journal']) {
      expect(() => writeOutputs([{ path: store.path + side, data: 'x' }], guard)).toThrow(new RegExp(`its ${side.slice(1)} file`));
    }
    const hard = path.join(dir, 'innocent.csv');
    fs.linkSync(store.path, hard);
    const before = digest(store.path);
    expect(() => writeOutputs([{ path: hard, data: 'x' }], guard)).toThrow(/project file .*under another name/);
    expect(digest(store.path)).toBe(before);
    const realOut = path.join(dir, 'real-out');
    fs.mkdirSync(realOut);
    fs.symlinkSync(realOut, path.join(dir, 'via-link'));
    expect(() => writeOutputs([{ path: path.join(dir, 'via-link', 'x.csv'), data: 'x' }], guard)).toThrow(/via-link is a symbolic link/);
    expect(fs.readdirSync(realOut)).toEqual([]);
    const file = path.join(dir, 'r.csv');
    fs.writeFileSync(file, 'old');
    writeOutputs([{ path: file, data: 'new' }], guard);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(() => writeOutputs([{ path: file, data: 'newer' }], guardOf(store, false))).toThrow(/already exists/);
    expect(tree(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a full disk during the second file: nothing left (no temp, no first file, no new folder), "disk full: N MB needed", the retry works', async () => {
    const { store, dir } = await labeledProject();
    const out = path.join(dir, 'new', 'deeper');
    const before = tree(dir);
    const big = 'x'.repeat(2_500_000);
    const realWrite = fs.writeSync;
    let calls = 0;
    // the operating system's answer on a full disk, on the second file's first write
    vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      return (realWrite as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    expect(() =>
      writeOutputs(
        [
          { path: path.join(out, 'a.json'), data: 'meta' },
          { path: path.join(out, 'a.csv'), data: big },
        ],
        guardOf(store, false),
      ),
    ).toThrow(/^disk full: 2\.6 MB needed to write .*a\.csv; nothing was written/);
    expect(tree(dir)).toEqual(before);
    vi.restoreAllMocks();
    writeOutputs(
      [
        { path: path.join(out, 'a.json'), data: 'meta' },
        { path: path.join(out, 'a.csv'), data: big },
      ],
      guardOf(store, false),
    );
    expect(fs.readFileSync(path.join(out, 'a.csv'), 'utf8')).toHaveLength(big.length);
  });

  it('csv export on a full disk leaves neither the CSV, its temp file nor an orphan .meta.json; the retry is not refused', async () => {
    const { store, dir } = await labeledProject();
    const out = path.join(dir, 'labels.csv');
    const before = tree(dir);
    const realWrite = fs.writeSync;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (realWrite as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync);
    await expect(exportLabels(store, { format: 'csv', out })).rejects.toThrow(/^disk full: 0\.1 MB needed/);
    expect(tree(dir)).toEqual(before);
    vi.restoreAllMocks();
    const r = await exportLabels(store, { format: 'csv', out });
    expect(r.count).toBe(3);
    expect(fs.existsSync(path.join(dir, 'labels.meta.json'))).toBe(true);
  });

  it('folder export on a full disk after two copies: no folder, no copies, no manifest left; the retry writes all three', async () => {
    const { store, dir } = await labeledProject();
    const out = path.join(dir, 'export');
    const before = tree(dir);
    const realCopy = fs.copyFileSync;
    let copies = 0;
    vi.spyOn(fs, 'copyFileSync').mockImplementation(((...args: Parameters<typeof fs.copyFileSync>) => {
      if (++copies === 3) throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), { code: 'ENOSPC' });
      return (realCopy as (...a: unknown[]) => void)(...args);
    }) as typeof fs.copyFileSync);
    await expect(exportLabels(store, { format: 'folder', out })).rejects.toThrow(/^disk full: .* MB needed/);
    expect(tree(dir)).toEqual(before);
    vi.restoreAllMocks();
    const r = await exportLabels(store, { format: 'folder', out });
    expect(r.count).toBe(3);
    expect(tree(out)).toEqual(['images', 'images/a.png', 'images/b.png', 'images/sub', 'images/sub/c.png', 'labels.csv', 'manifest.json']);
  });
});
