/**
 * Re-import rules for files whose content changed (review defects 1 and 2):
 * a label follows the pixels it was given to, never the file path; a file
 * that turns unreadable keeps its stored model input; a lost model input is
 * decoded again. Expected values come from the store before the change
 * (labels, model inputs) and from SHA-256 of the bytes written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/main/imaging/model-input.js';
import { importFolder, relinkFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId, ImageRecord } from '../../src/shared/types.js';
import { distinctPng, putFile } from './png-writer.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

let tmp: string;
let store: ProjectStore;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-reimport-')));
  store = ProjectStore.create(path.join(tmp, 'p.nlproj'), { inputSize: 16 });
});
afterEach(() => {
  store?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const png = distinctPng;
const put = (rel: string, bytes: Uint8Array): string => putFile(tmp, rel, bytes);

const at = (p: string): ImageRecord => {
  const img = store.findImageByPath(p);
  if (!img) throw new Error(`no image at ${p}`);
  return img;
};
const angleOf = (id: ImageId): number | null => {
  const l = store.currentLabel(id);
  return l && l.value.kind === 'angle' ? l.value.angle : null;
};
const label = (id: ImageId, angle: number): void => {
  store.addLabel({ imageId: id, value: { kind: 'angle', angle: angle as Degrees }, annotator: 't' });
};
const inputOf = (id: ImageId): Buffer => Buffer.from(store.getModelInputs([id]).data);

describe('re-import: a label follows its content', () => {
  it('two labeled files swapped: both records are re-linked to the new paths of their pixels', async () => {
    const bag = png(1);
    const coat = png(2);
    const pa = put('f/a/img.png', bag);
    const pb = put('f/b/img.png', coat);
    await importFolder(store, path.join(tmp, 'f'));
    const A = at(pa);
    const B = at(pb);
    label(A.id, 30);
    label(B.id, 60);
    const bagInput = inputOf(A.id);
    const coatInput = inputOf(B.id);

    put('f/a/img.png', coat);
    put('f/b/img.png', bag);
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: 2, added: 0, relinked: 2, updated: 0, missing: 0, skippedExisting: 0 });
    expect(store.listImages().length).toBe(2);
    // a/img.png holds the coat: the coat's record (B, angle 60) is there now.
    expect(at(pa)).toMatchObject({ id: B.id, sha256: sha256Hex(coat), status: 'ready', relPath: 'a/img.png', duplicateOf: null });
    expect(angleOf(at(pa).id)).toBe(60);
    expect(at(pb)).toMatchObject({ id: A.id, sha256: sha256Hex(bag), status: 'ready', relPath: 'b/img.png', duplicateOf: null });
    expect(angleOf(at(pb).id)).toBe(30);
    expect(inputOf(B.id).equals(coatInput)).toBe(true);
    expect(inputOf(A.id).equals(bagInput)).toBe(true);
    // A second re-import changes nothing.
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ added: 0, relinked: 0, updated: 0, skippedExisting: 2 });
  });

  it('a labeled file moved to a path listed earlier, new content at its old path: the label moves with the pixels', async () => {
    const pz = put('f/z/img.png', png(7));
    await importFolder(store, path.join(tmp, 'f'));
    const z = at(pz);
    label(z.id, 70);
    const pa = put('f/a/new.png', png(7)); // listed before z/img.png
    put('f/z/img.png', png(5));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: 2, added: 1, relinked: 1, updated: 0, missing: 0, duplicates: 0 });
    expect(at(pa)).toMatchObject({ id: z.id, sha256: sha256Hex(png(7)), status: 'ready', duplicateOf: null });
    expect(angleOf(z.id)).toBe(70);
    const fresh = at(pz);
    expect(fresh.id).not.toBe(z.id);
    expect(fresh.sha256).toBe(sha256Hex(png(5)));
    expect(store.currentLabel(fresh.id)).toBeNull();
  });

  it('a labeled file with new content: the old record keeps its labels and pixels as missing, the new content is a new image', async () => {
    const old = png(1);
    const pa = put('f/a.png', old);
    put('f/b.png', png(2));
    await importFolder(store, path.join(tmp, 'f'));
    const a = at(pa);
    const b = at(path.join(tmp, 'f/b.png'));
    label(a.id, 90);
    const oldInput = inputOf(a.id);
    store.saveEmbeddings({ modelId: null, source: 't', backend: null, loss: null, ids: [a.id, b.id], dim: 2, data: new Float32Array([0, 0, 1, 1]), pca: null });
    store.saveOrder({
      strategy: 'random',
      seed: 1,
      embeddingSetId: null,
      entries: [a.id, b.id].map((imageId) => ({ imageId, coverageRadius: null, arm: 'random' as const })),
    });

    put('f/a.png', png(11));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ scanned: 2, added: 1, updated: 0, relinked: 0, missing: 1, skippedExisting: 1, ready: 1 });
    // The old record: its content, labels and model input, as missing, off the path.
    const kept = store.getImage(a.id)!;
    expect(kept).toMatchObject({ status: 'missing', sha256: sha256Hex(old), relPath: `a.png#replaced-${a.id}`, path: `${pa}#replaced-${a.id}` });
    expect(fs.existsSync(kept.path)).toBe(false);
    expect(kept.error).toMatch(/changed/);
    expect(angleOf(a.id)).toBe(90);
    expect(inputOf(a.id).equals(oldInput)).toBe(true);
    // The new content: a new id, no label, no embedding, not in the old queue.
    const now = at(pa);
    expect(now.id).not.toBe(a.id);
    expect(now).toMatchObject({ sha256: sha256Hex(png(11)), status: 'ready' });
    expect(store.currentLabel(now.id)).toBeNull();
    expect(store.getEmbeddings()!.ids).not.toContain(now.id);
    expect(store.queue(10).map((q) => q.imageId)).toEqual([b.id]);

    // The old pixels turn up elsewhere: the labeled record is re-linked there.
    const pc = put('f/c/a-again.png', old);
    const r2 = await importFolder(store, path.join(tmp, 'f'));
    expect(r2).toMatchObject({ added: 0, relinked: 1, missing: 0, skippedExisting: 2 });
    expect(at(pc)).toMatchObject({ id: a.id, status: 'ready', error: null, relPath: 'c/a-again.png' });
    expect(angleOf(a.id)).toBe(90);
  });

  it('an unlabeled file with new content is updated in place and its stale embedding, queue entry and skip are dropped', async () => {
    const pa = put('f/a.png', png(1));
    const pb = put('f/b.png', png(2));
    const pc = put('f/c.png', png(3));
    await importFolder(store, path.join(tmp, 'f'));
    const [a, b, c] = [at(pa), at(pb), at(pc)];
    store.saveEmbeddings({
      modelId: null,
      source: 't',
      backend: null,
      loss: null,
      ids: [a.id, b.id, c.id],
      dim: 1,
      data: new Float32Array([0, 1, 2]),
      pca: null,
    });
    store.saveOrder({
      strategy: 'random',
      seed: 1,
      embeddingSetId: null,
      entries: [c.id, b.id, a.id].map((imageId) => ({ imageId, coverageRadius: null, arm: 'random' as const })),
    });
    store.skipImage(c.id);
    expect(store.queue(10).map((q) => q.imageId)).toEqual([b.id, a.id, c.id]);

    put('f/c.png', png(13));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ added: 0, updated: 1, relinked: 0, missing: 0, skippedExisting: 2 });
    expect(at(pc)).toMatchObject({ id: c.id, sha256: sha256Hex(png(13)), status: 'ready' });
    expect(store.getEmbeddings()!.ids).toEqual([a.id, b.id]);
    expect(store.queue(10).map((q) => q.imageId)).toEqual([b.id, a.id]);

    // New content that is a copy of a labeled image whose file did not change:
    // that image stays where it is with its label; the copy is a duplicate.
    label(a.id, 15);
    put('f/c.png', png(1));
    const r2 = await importFolder(store, path.join(tmp, 'f'));
    expect(r2).toMatchObject({ added: 0, updated: 1, relinked: 0, missing: 0 });
    expect(at(pa)).toMatchObject({ id: a.id, status: 'ready', duplicateOf: null });
    expect(angleOf(a.id)).toBe(15);
    expect(at(pc)).toMatchObject({ id: c.id, sha256: sha256Hex(png(1)), duplicateOf: a.id });
  });
});

describe('re-import: unreadable files and lost model inputs', () => {
  it('a labeled file cut short is marked unreadable but keeps its model input, SHA-256 and label; restored, it is ready again', async () => {
    const good = png(1);
    const pa = put('f/a.png', good);
    await importFolder(store, path.join(tmp, 'f'));
    const a = at(pa);
    label(a.id, 45);
    const input = inputOf(a.id);

    put('f/a.png', good.subarray(0, 30));
    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ added: 0, updated: 1, ready: 0, relinked: 0, missing: 0 });
    expect(r.unreadable).toEqual([{ path: pa, error: expect.any(String) }]);
    const img = store.getImage(a.id)!;
    expect(img).toMatchObject({ status: 'unreadable', error: r.unreadable[0]!.error, sha256: sha256Hex(good), path: pa });
    expect(inputOf(a.id).equals(input)).toBe(true);
    expect(angleOf(a.id)).toBe(45);
    expect(store.listPoolImages().map((i) => i.id)).not.toContain(a.id);
    expect(store.listImages().length).toBe(1);
    // Still cut short: nothing to do.
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ updated: 0, added: 0, skippedExisting: 1 });

    put('f/a.png', good);
    const r3 = await importFolder(store, path.join(tmp, 'f'));
    expect(r3).toMatchObject({ added: 0, updated: 1, ready: 1 });
    expect(store.getImage(a.id)).toMatchObject({ status: 'ready', error: null, sha256: sha256Hex(good) });
    expect(inputOf(a.id).equals(input)).toBe(true);
    expect(angleOf(a.id)).toBe(45);
  });

  it('relinkFolder makes an image that turned unreadable ready again when its moved folder holds its last good content', async () => {
    const good = png(3);
    const pa = put('old/a.png', good);
    await importFolder(store, path.join(tmp, 'old'));
    const a = at(pa);
    label(a.id, 120);
    put('old/a.png', good.subarray(0, 40));
    await importFolder(store, path.join(tmp, 'old'));
    expect(store.getImage(a.id)!.status).toBe('unreadable');
    fs.renameSync(path.join(tmp, 'old'), path.join(tmp, 'new'));
    put('new/a.png', good);
    const r = await relinkFolder(store, path.join(tmp, 'old'), path.join(tmp, 'new'));
    expect(r).toMatchObject({ relinked: 1, notFound: [], conflicts: [] });
    expect(store.getImage(a.id)).toMatchObject({ status: 'ready', error: null, path: path.join(tmp, 'new/a.png'), sha256: sha256Hex(good) });
    expect(angleOf(a.id)).toBe(120);
  });

  it('an unchanged file whose stored model input is missing or the wrong size is decoded again', async () => {
    const pa = put('f/a.png', png(1));
    const pb = put('f/b.png', png(2));
    await importFolder(store, path.join(tmp, 'f'));
    const [a, b] = [at(pa), at(pb)];
    label(a.id, 10);
    const before = Buffer.from(store.getModelInputs([a.id, b.id]).data);
    projectSqlite(store).prepare('UPDATE images SET model_input = NULL WHERE id = ?').run(a.id);
    projectSqlite(store).prepare('UPDATE images SET model_input = ? WHERE id = ?').run(Buffer.alloc(7), b.id);
    expect(() => store.getModelInputs([a.id])).toThrow(/no model input/);

    const r = await importFolder(store, path.join(tmp, 'f'));
    expect(r).toMatchObject({ added: 0, updated: 2, ready: 2, skippedExisting: 0, relinked: 0, missing: 0 });
    expect(Buffer.from(store.getModelInputs([a.id, b.id]).data).equals(before)).toBe(true);
    expect(angleOf(a.id)).toBe(10);
    expect(await importFolder(store, path.join(tmp, 'f'))).toMatchObject({ updated: 0, skippedExisting: 2 });
  });
});

describe('import: symbolic links', () => {
  it('does not follow a link to the parent folder ("ln -s .. folder/loop")', async () => {
    put('parent/x.png', png(1));
    const pa = put('parent/folder/a.png', png(2));
    fs.symlinkSync('..', path.join(tmp, 'parent/folder/loop'));
    const r = await importFolder(store, path.join(tmp, 'parent/folder'));
    expect(r).toMatchObject({ scanned: 1, added: 1 });
    expect(store.listImages().map((i) => i.path)).toEqual([pa]);
    expect(r.problems).toEqual([
      { path: path.join(tmp, 'parent/folder/loop'), error: expect.stringMatching(/^link points outside the imported folder; not followed/) },
    ]);
  });
});
