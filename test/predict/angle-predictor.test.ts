/**
 * queue:predict (the labeling widget's starting angle): the exemplar model in
 * its own worker, from the labels committed so far, on real rotated images
 * with ground-truth angles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { makeDemoSubset, type DemoSubset } from '../helpers/demo-subset.js';
import { tempDir } from '../helpers/synthetic-project.js';
import { angularErrorDeg as angularErrorDegrees, wrapDegrees, type Degrees, type AnglePeriod } from '../../src/shared/angle.js';
import type { ImageId } from '../../src/shared/types.js';

/** The angular error of plain numbers of degrees (the arrays and truth files here hold degrees). */
const angularErrorDeg = (a: number, b: number, period?: AnglePeriod): number => angularErrorDegrees(a as Degrees, b as Degrees, period);

let subset: DemoSubset;
let svc: LabelerService;
const idOf = new Map<string, ImageId>();
const TURNED = 'extra/turned-copy.png';
let original = '';

beforeAll(async () => {
  subset = makeDemoSubset(20, 'nl-predict-');
  // An exact quarter turn (clockwise) of one image: its angle is the original's + 90.
  original = [...subset.truth.keys()].sort()[3]!;
  fs.mkdirSync(path.join(subset.images, 'extra'));
  await sharp(path.join(subset.images, original)).rotate(90).png().toFile(path.join(subset.images, TURNED));
  svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
  await svc.invoke('project:create', { path: path.join(subset.root, 'p.nlproj'), settings: { inputSize: 32, testFraction: 0 } });
  await svc.invoke('images:import', { folder: subset.images });
  for (const img of svc.project.listPoolImages()) idOf.set(img.relPath, img.id);
}, 60_000);

afterAll(() => svc?.close());

describe('queue:predict', () => {
  it('has no guess before the first angle label', async () => {
    const [p] = await svc.invoke('queue:predict', { imageIds: [idOf.get(original)!] });
    expect(p).toEqual({ imageId: idOf.get(original), angle: null, similarity: null, exemplars: 0 });
  });

  it('guesses a quarter-turned copy of a labeled image as its label + 90', async () => {
    const truth = subset.truth.get(original)!;
    await svc.invoke('label:set', { imageId: idOf.get(original)!, angle: truth as Degrees });
    const [p] = await svc.invoke('queue:predict', { imageIds: [idOf.get(TURNED)!] });
    expect(p!.exemplars).toBe(1);
    expect(angularErrorDeg(p!.angle!, wrapDegrees(truth + 90))).toBeLessThan(2);
    expect(p!.similarity!).toBeGreaterThan(0.95);
  });

  it('learns from the labels so far: 150 labels guess other real images far better than chance', async () => {
    const rels = [...subset.truth.keys()].filter((r) => r !== original).sort();
    // every 4th image is held out; label the others (up to 150) with their ground truth
    const held = rels.filter((_, i) => i % 4 === 0).slice(0, 40);
    const train = rels.filter((_, i) => i % 4 !== 0).slice(0, 149);
    for (const r of train) await svc.invoke('label:set', { imageId: idOf.get(r)!, angle: subset.truth.get(r)! as Degrees });
    const preds = await svc.invoke('queue:predict', { imageIds: held.map((r) => idOf.get(r)!) });
    expect(preds.map((p) => p.imageId)).toEqual(held.map((r) => idOf.get(r)));
    expect(preds.every((p) => p.exemplars === 150)).toBe(true);
    const errors = preds.map((p, i) => angularErrorDeg(p.angle!, subset.truth.get(held[i]!)!));
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    const median = [...errors].sort((a, b) => a - b)[errors.length >> 1]!;
    console.log(`exemplar guesses from 150 labels on 40 held-out images: MAE ${mae.toFixed(1)} deg, median ${median.toFixed(1)} deg`);
    expect(mae).toBeLessThan(25); // chance is 90
    expect(median).toBeLessThan(5);
  }, 60_000);

  it('follows changed labels and undo (the worker rebuilds its exemplar bank)', async () => {
    const truth = subset.truth.get(original)!;
    const guessTurned = async () => (await svc.invoke('queue:predict', { imageIds: [idOf.get(TURNED)!] }))[0]!;
    // relabel the original 30 degrees further: the turned copy's guess follows it
    await svc.invoke('label:set', { imageId: idOf.get(original)!, angle: wrapDegrees(truth + 30) as Degrees });
    const p1 = await guessTurned();
    expect(p1.exemplars).toBe(150);
    expect(angularErrorDeg(p1.angle!, wrapDegrees(truth + 120))).toBeLessThan(2);
    // undo the relabel: the original's earlier label is current again
    await svc.invoke('label:undo', {});
    const p2 = await guessTurned();
    expect(p2.exemplars).toBe(150);
    expect(angularErrorDeg(p2.angle!, wrapDegrees(truth + 90))).toBeLessThan(2);
    // undo once more: the last training label goes, one exemplar fewer
    await svc.invoke('label:undo', {});
    expect((await guessTurned()).exemplars).toBe(149);
  }, 60_000);

  it('refuses more than 64 images per request', async () => {
    await expect(svc.invoke('queue:predict', { imageIds: Array.from({ length: 65 }, (_, i) => (i + 1) as ImageId) })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });
});
