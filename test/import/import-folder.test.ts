import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/main/imaging/model-input.js';
import { importFolder, relinkFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageRecord } from '../../src/shared/types.js';
import { distinctPng, putFile } from './png-writer.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

let tmp: string;
let store: ProjectStore;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-import-')));
  store = ProjectStore.create(path.join(tmp, 'p.nlproj'), { inputSize: 16 });
});
afterEach(() => {
  vi.restoreAllMocks();
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const png = distinctPng;
const put = (rel: string, bytes: Uint8Array): string => putFile(tmp, rel, bytes);

const byRel = (): Map<string, ImageRecord> => new Map(store.listImages().map((i) => [i.relPath, i]));

describe('importFolder', () => {
  it('imports two different img.jpg in different subfolders, flags exact duplicates, re-import adds nothing', async () => {
    const a = png(1);
    const b = png(2);
    put('photos/x/img.jpg', a); // PNG bytes under a .jpg name: content decides
    put('photos/y/img.jpg', b);
    put('photos/y/copy-of-x.png', a);
    put('photos/z/readme.txt', Buffer.from('not listed'));
    const progress: [number, number][] = [];
    const r = await importFolder(store, path.join(tmp, 'photos'), { onProgress: (d, t) => progress.push([d, t]) });
    expect(r).toMatchObject({ folder: path.join(tmp, 'photos'), scanned: 3, added: 3, ready: 3, duplicates: 1, skippedExisting: 0, relinked: 0 });
    expect(r.unreadable).toEqual([]);
    const imgs = byRel();
    expect([...imgs.keys()].sort()).toEqual(['x/img.jpg', 'y/copy-of-x.png', 'y/img.jpg']);
    const x = imgs.get('x/img.jpg')!;
    const y = imgs.get('y/img.jpg')!;
    expect(x.sha256).toBe(sha256Hex(a));
    expect(y.sha256).toBe(sha256Hex(b));
    expect(x.duplicateOf).toBeNull();
    expect(y.duplicateOf).toBeNull();
    // Walk order: x/img.jpg < y/copy-of-x.png, so the copy points to x.
    expect(imgs.get('y/copy-of-x.png')!.duplicateOf).toBe(x.id);
    expect(store.status().duplicates).toBe(1);
    // Ids follow the walk order.
    expect(store.listImages().map((i) => i.relPath)).toEqual(['x/img.jpg', 'y/copy-of-x.png', 'y/img.jpg']);
    // Model inputs of the two img.jpg differ and have inputSize^2 bytes.
    const inputs = store.getModelInputs([x.id, y.id]);
    expect(inputs.data.length).toBe(2 * 256);
    expect(Buffer.from(inputs.data.subarray(0, 256)).equals(Buffer.from(inputs.data.subarray(256)))).toBe(false);
    // Progress: starts at 0 of 3 and ends at 3 of 3, never decreasing.
    expect(progress[0]).toEqual([0, 3]);
    expect(progress.at(-1)).toEqual([3, 3]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);

    const again = await importFolder(store, path.join(tmp, 'photos'));
    expect(again).toMatchObject({ scanned: 3, added: 0, ready: 0, duplicates: 0, skippedExisting: 3, relinked: 0, updated: 0, missing: 0 });
    expect(store.listImages().length).toBe(3);
  });

  it('re-import adds new files, gives changed labeled ones a new image and marks vanished ones missing', async () => {
    put('f/a.png', png(1));
    put('f/b.png', png(2));
    put('f/c.png', png(3));
    await importFolder(store, path.join(tmp, 'f'));
    const before = byRel();
    store.addLabel({ imageId: before.get('a.png')!.id, value: { kind: 'angle', angle: 90 as Degrees }, annotator: 't' });

    put('f/a.png', png(11)); // content changed
    fs.rmSync(path.join(tmp, 'f/b.png')); // gone
    put('f/d.png', png(4)); // new
    const r = await importFolder(store, path.join(tmp, 'f'));
    // a.png was labeled: its label stays with its old pixels (a 'missing' record), the new pixels are a new image.
    expect(r).toMatchObject({ scanned: 3, added: 2, updated: 0, skippedExisting: 1, missing: 2, relinked: 0 });
    const after = byRel();
    const newA = store.findImageByPath(path.join(tmp, 'f/a.png'))!;
    expect(newA.id).not.toBe(before.get('a.png')!.id);
    expect(newA.sha256).toBe(sha256Hex(png(11)));
    expect(store.currentLabel(newA.id)).toBeNull();
    expect(store.getImage(before.get('a.png')!.id)).toMatchObject({ status: 'missing', sha256: sha256Hex(png(1)) });
    expect(store.currentLabel(before.get('a.png')!.id)?.value).toEqual({ kind: 'angle', angle: 90 });
    expect(after.get('b.png')!.status).toBe('missing');
    expect(after.get('b.png')!.error).toMatch(/file not found/);
    expect(after.get('d.png')!.status).toBe('ready');

    // b.png comes back: ready again, same id.
    put('f/b.png', png(2));
    const r2 = await importFolder(store, path.join(tmp, 'f'));
    expect(r2).toMatchObject({ added: 0, updated: 1, skippedExisting: 3 });
    expect(byRel().get('b.png')).toMatchObject({ id: before.get('b.png')!.id, status: 'ready', error: null });
  });

  it('records unreadable files with the reason, fixes them when they become readable, and goes on', async () => {
    put('f/good.png', png(1));
    put('f/bad.png', Buffer.from('hello, I am text'));
    put('f/empty.jpg', Buffer.alloc(0));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: 3, added: 3, ready: 1 });
    expect(r.unreadable.map((u) => [path.basename(u.path), u.error])).toEqual([
      ['bad.png', expect.stringMatching(/not a supported image format/)],
      ['empty.jpg', 'empty file (0 bytes)'],
    ]);
    expect(store.status().images).toEqual({ ready: 1, unreadable: 2, missing: 0, total: 3 });
    // Same bytes again: nothing to do.
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ added: 0, updated: 0, skippedExisting: 3 });
    put('f/bad.png', png(9));
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ added: 0, updated: 1, ready: 1, skippedExisting: 2 });
    expect(byRel().get('bad.png')).toMatchObject({ status: 'ready', error: null, width: 4, height: 4 });
  });

  it('re-links a moved folder by hash on import, keeping labels and duplicate flags', async () => {
    put('old/s/a.png', png(1));
    put('old/s/b.png', png(2));
    put('old/s/b-copy.png', png(2));
    put('old/c.png', png(3));
    await importFolder(store, path.join(tmp, 'old'));
    const before = byRel();
    const a = before.get('s/a.png')!;
    store.addLabel({ imageId: a.id, value: { kind: 'angle', angle: 45 as Degrees }, annotator: 't' });
    fs.renameSync(path.join(tmp, 'old'), path.join(tmp, 'new'));
    fs.renameSync(path.join(tmp, 'new/s/a.png'), path.join(tmp, 'new/s/renamed-a.png')); // also renamed inside

    const r = await importFolder(store, path.join(tmp, 'new'));
    expect(r).toMatchObject({ scanned: 4, added: 0, relinked: 4, ready: 4 });
    // Renamed inside a folder: re-linked, not reported missing.
    fs.renameSync(path.join(tmp, 'new/c.png'), path.join(tmp, 'new/c2.png'));
    expect(await importFolder(store, path.join(tmp, 'new'))).toMatchObject({ relinked: 1, missing: 0, added: 0, skippedExisting: 3 });
    expect(store.getImage(before.get('c.png')!.id)).toMatchObject({ relPath: 'c2.png', status: 'ready' });
    expect(store.listImages().length).toBe(4);
    const moved = store.getImage(a.id)!;
    expect(moved).toMatchObject({ path: path.join(tmp, 'new/s/renamed-a.png'), relPath: 's/renamed-a.png', status: 'ready' });
    expect(store.currentLabel(a.id)?.value).toEqual({ kind: 'angle', angle: 45 });
    expect(store.status().duplicates).toBe(1);
    // Importing the old place again finds nothing and marks nothing (its images moved).
    fs.mkdirSync(path.join(tmp, 'old'));
    expect(await importFolder(store, path.join(tmp, 'old'))).toMatchObject({ scanned: 0, added: 0, missing: 0 });
  });

  it('relinkFolder points a moved folder at its new place by hash, even after its images were marked missing', async () => {
    put('old/a.png', png(1));
    put('old/sub/b.png', png(2));
    put('old/c.png', png(3));
    await importFolder(store, path.join(tmp, 'old'));
    const ids = byRel();
    store.addLabel({ imageId: ids.get('sub/b.png')!.id, value: { kind: 'none' }, annotator: 't' });
    fs.renameSync(path.join(tmp, 'old'), path.join(tmp, 'moved'));
    fs.rmSync(path.join(tmp, 'moved/c.png'));
    put('moved/sub/a-was-here.png', png(1));
    fs.rmSync(path.join(tmp, 'moved/a.png'));
    fs.mkdirSync(path.join(tmp, 'old'));
    await importFolder(store, path.join(tmp, 'old')); // marks all three missing
    expect(store.status().images.missing).toBe(3);

    const r = await relinkFolder(store, path.join(tmp, 'old'), path.join(tmp, 'moved'));
    expect(r).toEqual({ folder: path.join(tmp, 'moved'), relinked: 2, notFound: ['c.png'], conflicts: [] });
    expect(store.getImage(ids.get('a.png')!.id)).toMatchObject({
      relPath: 'sub/a-was-here.png',
      path: path.join(tmp, 'moved/sub/a-was-here.png'),
      status: 'ready',
    });
    expect(store.getImage(ids.get('sub/b.png')!.id)).toMatchObject({ path: path.join(tmp, 'moved/sub/b.png'), status: 'ready' });
    expect(store.currentLabel(ids.get('sub/b.png')!.id)?.value).toEqual({ kind: 'none' });
    expect(store.getImage(ids.get('c.png')!.id)!.status).toBe('missing');
    expect(store.listFolders().map((f) => f.path)).toContain(path.join(tmp, 'moved'));
    // A re-import of the new place now adds nothing.
    expect(await importFolder(store, path.join(tmp, 'moved'))).toMatchObject({ added: 0, relinked: 0, skippedExisting: 2 });
    await expect(relinkFolder(store, path.join(tmp, 'never'), path.join(tmp, 'moved'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('terminates on a symlink loop and imports each file once', async () => {
    put('f/a.png', png(1));
    put('f/sub/b.png', png(2));
    fs.symlinkSync(path.join(tmp, 'f'), path.join(tmp, 'f/sub/loop'));
    fs.symlinkSync('.', path.join(tmp, 'f/here'));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: 2, added: 2 });
  });

  it('survives files that vanish or change between listing and reading', async () => {
    for (let i = 0; i < 6; i++) put(`f/${i}.png`, png(i));
    let acted = false;
    const r = await importFolder(store, path.join(tmp, 'f'), {
      concurrency: 1,
      onProgress: () => {
        if (acted) return;
        acted = true; // after the listing, before any file is read
        fs.rmSync(path.join(tmp, 'f/4.png'));
        fs.writeFileSync(path.join(tmp, 'f/5.png'), png(5).subarray(0, 30)); // cut short while "being written"
      },
    });
    expect(acted).toBe(true);
    expect(r.scanned).toBe(6);
    expect(r.added).toBe(5);
    expect(r.problems).toEqual([{ path: path.join(tmp, 'f/4.png'), error: 'file vanished during the import' }]);
    expect(r.unreadable.map((u) => path.basename(u.path))).toEqual(['5.png']);
    // Written in full later: the next import updates it.
    put('f/5.png', png(5));
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ updated: 1, ready: 1, added: 0 });
  });

  it('a cancelled import keeps what it wrote and a re-import adds only the rest', async () => {
    for (let i = 0; i < 40; i++) put(`f/${String(i).padStart(2, '0')}.png`, png(i));
    const ac = new AbortController();
    const err = await importFolder(store, path.join(tmp, 'f'), {
      signal: ac.signal,
      concurrency: 2,
      batchSize: 4,
      progressIntervalMs: 0,
      onProgress: (done) => {
        if (done >= 10) ac.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect((err as Error).message).toMatch(/cancelled after \d+ of 40 files/);
    // The files in flight when it was aborted (at most `concurrency`) still finish and are written.
    const written = store.listImages().length;
    expect(written).toBeGreaterThanOrEqual(10);
    expect(written).toBeLessThanOrEqual(12);
    expect(projectSqlite(store).pragma('integrity_check', { simple: true })).toBe('ok');
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r.added).toBe(40 - written);
    expect(r.skippedExisting).toBe(written);
    expect(store.listImages().map((i) => i.relPath)).toEqual(Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}.png`));
  });

  it('imports non-ASCII and long file names and reads their model inputs back', async () => {
    const long = `${'ß'.repeat(120)}.png`; // 244 bytes in UTF-8
    put('ünï/日本 写真.png', png(1));
    put(`ünï/${long}`, png(2));
    const r = await importFolder(store, path.join(tmp, 'ünï'));
    expect(r).toMatchObject({ scanned: 2, added: 2, ready: 2 });
    const imgs = byRel();
    expect([...imgs.keys()].sort()).toEqual([long, '日本 写真.png'].sort());
    expect(imgs.get('日本 写真.png')!.path).toBe(path.join(tmp, 'ünï', '日本 写真.png'));
    expect(store.getModelInputs([...imgs.values()].map((i) => i.id)).data.length).toBe(2 * 256);
    expect(await importFolder(store, path.join(tmp, 'ünï'))).toMatchObject({ added: 0, skippedExisting: 2 });
  });

  it('grows the test split to 10 % of the pool after import', async () => {
    for (let i = 0; i < 30; i++) put(`f/${i}.png`, png(i));
    await importFolder(store, path.join(tmp, 'f'));
    expect(store.status().testSplit.size).toBe(3);
  });

  it('imports an empty folder and refuses a missing one', async () => {
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(await importFolder(store, path.join(tmp, 'empty'))).toMatchObject({ scanned: 0, added: 0 });
    await expect(importFolder(store, path.join(tmp, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
  });
});
