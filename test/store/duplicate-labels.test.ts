/**
 * A label given for an exact duplicate (same SHA-256 as an earlier ready
 * image; not in the pool) is stored on its original by ProjectStore.addLabel
 * itself, so every way of adding a label (the store directly, the service's
 * label:set, the labels CSV import) lands on the same image. Expectations are
 * written by hand from the fixture: which id is the original, which one is in
 * the test split, and the wrapped angle.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLabelsCsv } from '../../src/main/import/labels-import.js';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import type { ProjectStore } from '../../src/main/store/project-store.js';
import type { Degrees } from '../../src/shared/angle.js';
import type { ImageId, ImageRecord } from '../../src/shared/types.js';
import { syntheticProject, tempDir } from '../helpers/synthetic-project.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

interface RawLabel {
  image_id: number;
  angle_deg: number | null;
  no_orientation: number;
  arm: string;
  source: string;
}

const rawLabels = (store: ProjectStore): RawLabel[] =>
  projectSqlite(store).prepare('SELECT image_id, angle_deg, no_orientation, arm, source FROM labels ORDER BY id').all() as RawLabel[];

/**
 * 10 synthetic images plus two exact copies: copy-test.png of a test-split
 * image and copy-pool.png of a pool image outside the test split.
 */
function projectWithCopies(): { store: ProjectStore; file: string; test: ImageRecord; pool: ImageRecord; copyOfTest: ImageId; copyOfPool: ImageId } {
  const { store, file } = syntheticProject(10, 2);
  const images = store.listImages();
  const test = images.find((i) => i.inTestSplit)!;
  const pool = images.find((i) => !i.inTestSplit)!;
  const folderId = store.listFolders()[0]!.id;
  const folder = path.join(path.dirname(file), 'images');
  const copy = (of: ImageRecord, rel: string): ImageId =>
    store.insertImage({
      folderId,
      relPath: rel,
      absPath: path.join(folder, rel),
      sha256: of.sha256,
      sizeBytes: 1,
      width: 16,
      height: 16,
      status: 'ready',
      error: null,
      modelInput: new Uint8Array(256),
    });
  const copyOfTest = copy(test, 'copy-test.png');
  const copyOfPool = copy(pool, 'copy-pool.png');
  expect(store.getImage(copyOfTest)!.duplicateOf).toBe(test.id);
  expect(store.getImage(copyOfPool)!.duplicateOf).toBe(pool.id);
  return { store, file, test, pool, copyOfTest, copyOfPool };
}

const open: { close(): void }[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

describe('labels on exact duplicates', () => {
  it('ProjectStore.addLabel stores a label given for a duplicate on its original', () => {
    const { store, test, pool, copyOfTest, copyOfPool } = projectWithCopies();
    open.push(store);
    expect(store.labelTarget(store.getImage(copyOfPool)!).id).toBe(pool.id);
    expect(store.labelTarget(pool).id).toBe(pool.id); // an original is its own target

    store.skipImage(pool.id);
    const l = store.addLabel({ imageId: copyOfPool, value: { kind: 'angle', angle: 400 as Degrees }, annotator: 't', arm: 'novelty' });
    expect(l.imageId).toBe(pool.id);
    expect(l.value).toEqual({ kind: 'angle', angle: 40 }); // 400 deg wrapped into [0, 360)
    expect(rawLabels(store)).toEqual([{ image_id: pool.id, angle_deg: 40, no_orientation: 0, arm: 'novelty', source: 'annotator' }]);
    // the label clears the original's skip, and the copy itself has no label
    expect(projectSqlite(store).prepare('SELECT image_id FROM skips').all()).toEqual([]);
    expect(store.currentLabel(copyOfPool)).toBeNull();
    expect(store.currentLabel(pool.id)?.value).toEqual({ kind: 'angle', angle: 40 });

    // a copy of a test-split image: the label counts as a test-split label, never a training label
    const t = store.addLabel({ imageId: copyOfTest, value: { kind: 'none' }, annotator: 't' });
    expect(t.imageId).toBe(test.id);
    expect(store.labelCounts()).toEqual({ labeled: 1, labeledNone: 1, testLabeled: 1 });

    // addLabels (one transaction) goes through the same path
    store.addLabels([{ imageId: copyOfPool, value: { kind: 'angle', angle: 90 as Degrees }, annotator: 't' }]);
    expect(rawLabels(store).map((r) => [r.image_id, r.angle_deg])).toEqual([
      [pool.id, 40],
      [test.id, null],
      [pool.id, 90],
    ]);
    expect(() => store.addLabel({ imageId: 9999 as ImageId, value: { kind: 'none' }, annotator: 't' })).toThrow('no image with id 9999 in this project');
  });

  it("the service's label:set and the labels CSV import land on the original as before", async () => {
    const { store, file, test, pool, copyOfTest, copyOfPool } = projectWithCopies();
    store.close();
    const svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'alice' });
    open.push(svc);
    await svc.invoke('project:open', { path: file });

    const a = await svc.invoke('label:set', { imageId: copyOfTest, angle: 123 as Degrees });
    expect([a.imageId, a.value, a.arm]).toEqual([test.id, { kind: 'angle', angle: 123 }, 'test']);
    const b = await svc.invoke('label:set', { imageId: copyOfPool, angle: -30 as Degrees });
    expect([b.imageId, b.value, b.arm]).toEqual([pool.id, { kind: 'angle', angle: 330 }, 'none']); // no order yet: arm none
    const st = await svc.invoke('project:status', {});
    expect([st.labeled, st.testSplit.labeled]).toEqual([1, 1]);

    const rows = parseLabelsCsv(svc.project, 'path,angle\ncopy-pool.png,77\n', 'dup.csv');
    expect(rows.map((r) => [r.imageId, r.value, r.line])).toEqual([[pool.id, { kind: 'angle', angle: 77 }, 2]]);
    svc.project.addLabels(rows.map((r) => ({ imageId: r.imageId, value: r.value, annotator: 'import', source: 'import' as const })));

    expect(rawLabels(svc.project)).toEqual([
      { image_id: test.id, angle_deg: 123, no_orientation: 0, arm: 'test', source: 'annotator' },
      { image_id: pool.id, angle_deg: 330, no_orientation: 0, arm: 'none', source: 'annotator' },
      { image_id: pool.id, angle_deg: 77, no_orientation: 0, arm: 'none', source: 'import' },
    ]);
    expect((await svc.invoke('labels:list', {})).map((l) => l.imageId).sort((x, y) => x - y)).toEqual([test.id, pool.id].sort((x, y) => x - y));
  });
});
