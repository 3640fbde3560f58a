/**
 * The label operations a program uses (what the CLI's `labels import`,
 * `label <image>` and the demo's simulated annotator call): a truth file read
 * without storing, the test split labeled from it, program labels, and an
 * image found by id, absolute path or path relative to its folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { makeDemoSubset, type DemoSubset } from '../helpers/demo-subset.js';

let tmp: string;
let subset: DemoSubset;
let svc: LabelerService;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-label-ops-'));
  subset = makeDemoSubset(1, 'nl-label-ops-images-'); // 10 images, one per class
  svc = await LabelerService.create({ dataDir: path.join(tmp, 'data') });
  await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj'), settings: { testFraction: 0.3, seed: 3 } });
  await svc.invoke('images:import', { folder: subset.images });
});

afterAll(() => {
  svc?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (subset) fs.rmSync(subset.root, { recursive: true, force: true });
});

const relOf = (id: number): string => svc.project.getImage(id as never)!.relPath;

describe('label operations', () => {
  it('labels:read gives every row of the truth file on its image, storing nothing', async () => {
    const rows = await svc.invoke('labels:read', { file: subset.truthCsv });
    expect(new Map(rows.map((r) => [relOf(r.imageId), r.value.kind === 'angle' ? r.value.angle : null]))).toEqual(subset.truth);
    expect(await svc.invoke('labels:list', {})).toEqual([]);
  });

  it('labels:import with split test labels exactly the unlabeled test-split images, arm test, from the file', async () => {
    const st = await svc.invoke('project:status', {});
    const testIds = svc.project
      .listPoolImages()
      .filter((i) => i.inTestSplit)
      .map((i) => i.id);
    expect(testIds).toHaveLength(st.testSplit.size);
    expect(testIds.length).toBeGreaterThan(0);
    const r = await svc.invoke('labels:import', { file: subset.truthCsv, split: 'test', annotator: 'simulated', source: 'simulated' });
    expect(r).toEqual({ imported: testIds.length, replaced: 0, unchanged: 0 });
    const labels = await svc.invoke('labels:list', {});
    expect(labels.map((l) => l.imageId).sort((a, b) => a - b)).toEqual([...testIds].sort((a, b) => a - b));
    for (const l of labels) {
      expect(l).toMatchObject({ arm: 'test', source: 'simulated', annotator: 'simulated' });
      expect(l.value).toEqual({ kind: 'angle', angle: subset.truth.get(relOf(l.imageId)) });
    }
    // the test split is labeled now: a second pass has nothing to do
    expect(await svc.invoke('labels:import', { file: subset.truthCsv, split: 'test', source: 'simulated' })).toEqual({
      imported: 0,
      replaced: 0,
      unchanged: 0,
    });
  });

  it('images:resolve finds an image by id, absolute path and folder-relative path, and says when none matches', async () => {
    const img = svc.project.listPoolImages().find((i) => !i.inTestSplit)!;
    expect(await svc.invoke('images:resolve', { ref: String(img.id) })).toEqual({ imageId: img.id });
    expect(await svc.invoke('images:resolve', { ref: img.path })).toEqual({ imageId: img.id });
    expect(await svc.invoke('images:resolve', { ref: img.relPath })).toEqual({ imageId: img.id });
    await expect(svc.invoke('images:resolve', { ref: 'no/such.png' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(svc.invoke('images:resolve', { ref: '999999' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('labels:add stores what the program gives, with its arm and duration, and a label for "no orientation"', async () => {
    const pool = svc.project.listPoolImages().filter((i) => !i.inTestSplit);
    const [a, b] = [pool[0]!, pool[1]!];
    const r = await svc.invoke('labels:add', {
      labels: [
        { imageId: a.id, value: { kind: 'angle', angle: 725 as never }, arm: 'novelty', durationMs: 0 },
        { imageId: b.id, value: { kind: 'none' } },
      ],
      annotator: 'simulated',
      source: 'simulated',
    });
    expect(r).toEqual({ added: 2 });
    const byId = new Map((await svc.invoke('labels:list', {})).map((l) => [l.imageId, l]));
    expect(byId.get(a.id)).toMatchObject({ value: { kind: 'angle', angle: 5 }, arm: 'novelty', durationMs: 0, source: 'simulated' }); // 725 = 2 x 360 + 5
    expect(byId.get(b.id)).toMatchObject({ value: { kind: 'none' }, arm: 'none', source: 'simulated' });
  });
});
