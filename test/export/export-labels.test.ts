import fs from 'node:fs';
import path from 'node:path';
import { csvParse } from 'd3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportLabels, csvSidecarPath } from '../../src/main/export/export-labels.js';
import { parseLabelsCsv } from '../../src/main/io/labels-import.js';
import type { ProjectStore } from '../../src/main/store/project-store.js';
import type { ImageId } from '../../src/shared/types.js';
import { makeProject, tmpDir, type FixtureImage } from '../io/make-project.js';
import { arrowPng, circDiff, directionOf, drawArrow, grayPixels } from './arrow-images.js';

interface Fixture {
  store: ProjectStore;
  dir: string;
  folder: string;
  byPath: Map<string, ImageId>;
  imgA: Buffer;
  imgB: Buffer;
}

/** The direction each arrow file points, and the label it gets (360 for up360: stored as 0). up360 is drawn larger so it is not an exact duplicate of up. */
const ARROWS: [string, number, number][] = [
  ['arrows/up.png', 0, 0],
  ['arrows/right.png', 90, 90],
  ['arrows/down.png', 180, 180],
  ['arrows/left.png', 270, 270],
  ['arrows/up360.png', 0, 360],
  ['arrows/tilt30.png', 30, 30],
];

/** A 64 x 48 JPEG whose stored top rows are white, tagged EXIF Orientation 6 (display = rotate 90 clockwise). */
async function exif6Jpeg(): Promise<Buffer> {
  const w = 64;
  const h = 48;
  const px = new Uint8Array(w * h);
  for (let y = 0; y < 12; y++) px.fill(255, y * w, (y + 1) * w);
  return sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 1 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

async function solidJpeg(v: number): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 10, channels: 3, background: { r: v, g: 255 - v, b: 40 } } }).jpeg().toBuffer();
}

async function build(settings = {}): Promise<Fixture> {
  const dir = tmpDir('nl-export-');
  const folder = path.join(dir, 'photos');
  const imgA = await solidJpeg(10);
  const imgB = await solidJpeg(200);
  const images: FixtureImage[] = [
    ...(await Promise.all(ARROWS.map(async ([rel, dirDeg]) => {
        const side = rel.includes('360') ? 50 : 48;
        return { folder, relPath: rel, bytes: await arrowPng(side, dirDeg), width: side, height: side };
      }))),
    // the import pipeline should have stored 48 x 64; left null here so export must read the file itself
    { folder, relPath: 'camera/exif6.jpg', bytes: await exif6Jpeg(), width: null, height: null },
    { folder, relPath: 'a/img.jpg', bytes: imgA, width: 20, height: 10 },
    { folder, relPath: 'b/img.jpg', bytes: imgB, width: 20, height: 10 },
    { folder, relPath: 'plain.png', bytes: await arrowPng(32, 45), width: 32, height: 32 },
    { folder, relPath: 'unlabeled.png', bytes: await arrowPng(16, 0), width: 16, height: 16 },
  ];
  const { store, ids } = makeProject(images, settings, dir);
  const byPath = new Map(images.map((im, i) => [im.relPath, ids[i]!]));
  const label = (rel: string, value: { kind: 'angle'; angle: number } | { kind: 'none' }) =>
    store.addLabel({ imageId: byPath.get(rel)!, value: value as never, annotator: 'test' });
  for (const [rel, , lab] of ARROWS) label(rel, { kind: 'angle', angle: lab });
  label('camera/exif6.jpg', { kind: 'angle', angle: 90 });
  label('a/img.jpg', { kind: 'angle', angle: 10 });
  label('b/img.jpg', { kind: 'angle', angle: 20 });
  label('plain.png', { kind: 'none' });
  return { store, dir, folder, byPath, imgA, imgB };
}

/** CSV text after the '#' comment line, parsed. */
function readCsv(file: string): { comment: string; rows: Record<string, string>[] } {
  const text = fs.readFileSync(file, 'utf8');
  const nl = text.indexOf('\n');
  return { comment: text.slice(0, nl), rows: csvParse(text.slice(nl + 1)) as unknown as Record<string, string>[] };
}

const EXPECTED_ANGLE = new Map<string, number | null>([
  ['arrows/up.png', 0],
  ['arrows/right.png', 90],
  ['arrows/down.png', 180],
  ['arrows/left.png', 270],
  ['arrows/up360.png', 0],
  ['arrows/tilt30.png', 30],
  ['camera/exif6.jpg', 90],
  ['a/img.jpg', 10],
  ['b/img.jpg', 20],
  ['plain.png', null],
]);

describe('exportLabels', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await build();
  });

  it('the arrow fixtures point where their labels say (checked from pixels)', () => {
    for (const [, dirDeg] of ARROWS) {
      expect(circDiff(directionOf(drawArrow(48, dirDeg), 48, 48), dirDeg)).toBeLessThan(2);
    }
  });

  it('csv: angles 0/90/180/270, 360 as 0, none empty, EXIF-6 photo 48 x 64, convention in a comment and a sidecar', async () => {
    const out = path.join(fx.dir, 'out', 'labels.csv');
    const r = await exportLabels(fx.store, { format: 'csv', out });
    expect(r.count).toBe(10);
    const { comment, rows } = readCsv(out);
    expect(comment).toMatch(/^# novelty-labeler labels: angle in degrees, clockwise from image up.*range \[0, 360\)/);
    expect(comment).toContain('"axial":false');
    expect(new Map(rows.map((x) => [x.path!, x.angle === '' ? null : Number(x.angle)]))).toEqual(EXPECTED_ANGLE);
    const plain = rows.find((x) => x.path === 'plain.png')!;
    expect([plain.angle, plain.no_orientation]).toEqual(['', '1']);
    const exif = rows.find((x) => x.path === 'camera/exif6.jpg')!;
    expect([exif.width, exif.height]).toEqual(['48', '64']);
    expect(rows.some((x) => x.angle === '360')).toBe(false);
    const side = JSON.parse(fs.readFileSync(csvSidecarPath(out), 'utf8'));
    expect(side.angle).toMatchObject({ unit: 'degrees', direction: 'clockwise', zero: 'image up', axial: false, range: [0, 360] });
    expect(side.settings).toEqual(fx.store.settings);
  });

  it('csv round-trips through the labels import', async () => {
    const out = path.join(fx.dir, 'rt.csv');
    await exportLabels(fx.store, { format: 'csv', out });
    const back = parseLabelsCsv(fx.store, fs.readFileSync(out, 'utf8'), out);
    const current = new Map(fx.store.currentLabels().map((l) => [l.imageId, l.value]));
    expect(back).toHaveLength(current.size);
    for (const b of back) expect(b.value).toEqual(current.get(b.imageId));
  });

  it('jsonl: a first metadata line, then one record per image', async () => {
    const out = path.join(fx.dir, 'labels.jsonl');
    await exportLabels(fx.store, { format: 'jsonl', out });
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].novelty_labeler_export.angle).toMatchObject({ unit: 'degrees', direction: 'clockwise', range: [0, 360] });
    expect(lines[0].novelty_labeler_export.settings.inputSize).toBe(64);
    const recs = lines.slice(1);
    expect(new Map(recs.map((x) => [x.path, x.angle]))).toEqual(EXPECTED_ANGLE);
    const exif = recs.find((x) => x.path === 'camera/exif6.jpg');
    expect([exif.width, exif.height]).toEqual([48, 64]);
    expect(recs.find((x) => x.path === 'plain.png')).toMatchObject({ angle: null, no_orientation: true });
  });

  it('coco: convention in info, image sizes displayed, one annotation per image', async () => {
    const out = path.join(fx.dir, 'coco.json');
    await exportLabels(fx.store, { format: 'coco', out });
    const coco = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(coco.info).toMatchObject({ angle_unit: 'degrees', angle_direction: 'clockwise', angle_zero: 'image up', angle_range: [0, 360], axial: false });
    expect(coco.info.settings).toEqual(fx.store.settings);
    const fileOf = new Map<number, string>(coco.images.map((i: { id: number; file_name: string }) => [i.id, i.file_name]));
    expect(new Map(coco.annotations.map((a: { image_id: number; angle: number | null }) => [fileOf.get(a.image_id), a.angle]))).toEqual(EXPECTED_ANGLE);
    const exif = coco.images.find((i: { file_name: string }) => i.file_name === 'camera/exif6.jpg');
    expect([exif.width, exif.height]).toEqual([48, 64]);
    const ann = coco.annotations.find((a: { image_id: number }) => a.image_id === exif.id);
    expect(ann.bbox).toEqual([0, 0, 48, 64]);
  });

  it('folder: both img.jpg copied verbatim, EXIF-6 photo written upright 48 x 64 without a tag, manifest + labels.csv', async () => {
    const out = path.join(fx.dir, 'folder');
    const r = await exportLabels(fx.store, { format: 'folder', out });
    expect(r.count).toBe(10);
    expect(fs.readFileSync(path.join(out, 'images', 'a', 'img.jpg')).equals(fx.imgA)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'images', 'b', 'img.jpg')).equals(fx.imgB)).toBe(true);
    const exifCopy = path.join(out, 'images', 'camera', 'exif6.jpg');
    const meta = await sharp(exifCopy).metadata();
    expect([meta.width, meta.height]).toEqual([48, 64]);
    expect(meta.orientation ?? 1).toBe(1);
    // stored top (white) is displayed on the right after orientation 6
    const px = await grayPixels(exifCopy);
    let left = 0;
    let right = 0;
    for (let y = 0; y < px.height; y++) for (let x = 0; x < px.width; x++) (x < px.width / 2 ? (left += px.data[y * px.width + x]!) : (right += px.data[y * px.width + x]!));
    expect(right).toBeGreaterThan(10 * left);
    // arrows copied as they are: their pixels still point at their label
    for (const [rel, dirDeg] of ARROWS) {
      const g = await grayPixels(path.join(out, 'images', ...rel.split('/')));
      expect(circDiff(directionOf(g.data, g.width, g.height), dirDeg)).toBeLessThan(2);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.angle).toMatchObject({ unit: 'degrees', direction: 'clockwise', range: [0, 360] });
    expect(manifest.upright).toBe(false);
    expect(manifest.files).toHaveLength(10);
    const { rows } = readCsv(path.join(out, 'labels.csv'));
    expect(new Map(rows.map((x) => [x.path!, x.angle === '' ? null : Number(x.angle)]))).toEqual(EXPECTED_ANGLE);
    expect(rows.find((x) => x.path === 'camera/exif6.jpg')).toMatchObject({ width: '48', height: '64' });
    expect(fs.existsSync(path.join(out, 'images', 'unlabeled.png'))).toBe(false);
    await expect(exportLabels(fx.store, { format: 'folder', out })).rejects.toThrow(/not empty.*never overwrites/);
  });

  it('folder --upright: every arrow copy points up, angles 0, original angles kept', async () => {
    const out = path.join(fx.dir, 'upright');
    await exportLabels(fx.store, { format: 'folder', out, upright: true });
    for (const [rel] of ARROWS) {
      const g = await grayPixels(path.join(out, 'images', ...rel.split('/')));
      expect(circDiff(directionOf(g.data, g.width, g.height), 0)).toBeLessThan(3);
    }
    // EXIF-6 photo labeled 90: displayed 48 x 64, turned 90 counter-clockwise -> 64 x 48
    const m = await sharp(path.join(out, 'images', 'camera', 'exif6.jpg')).metadata();
    expect([m.width, m.height]).toEqual([64, 48]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.upright).toBe(true);
    expect(manifest.uprightNote).toMatch(/angle of every upright copy is 0/);
    const { comment, rows } = readCsv(path.join(out, 'labels.csv'));
    expect(comment).toMatch(/upright copies/);
    for (const row of rows) {
      const expected = EXPECTED_ANGLE.get(row.path!);
      expect(row.angle).toBe(expected === null ? '' : '0');
      expect(row.original_angle === '' ? null : Number(row.original_angle)).toBe(expected);
    }
    expect(rows.find((x) => x.path === 'arrows/tilt30.png')).toMatchObject({ angle: '0', original_angle: '30' });
  });

  it('refuses --upright for file formats and a folder as a file output', async () => {
    await expect(exportLabels(fx.store, { format: 'csv', out: path.join(fx.dir, 'x.csv'), upright: true })).rejects.toThrow(/--upright .* --format folder/);
    await expect(exportLabels(fx.store, { format: 'jsonl', out: fx.dir })).rejects.toThrow(/is a folder/);
  });

  it('states an axial project and its range [0, 180)', async () => {
    const ax = await build({ axial: true });
    const out = path.join(ax.dir, 'ax.jsonl');
    await exportLabels(ax.store, { format: 'jsonl', out });
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].novelty_labeler_export.angle).toMatchObject({ axial: true, range: [0, 180] });
    expect(lines[0].novelty_labeler_export.angle.text).toMatch(/range \[0, 180\).*axial/);
    const angle = new Map(lines.slice(1).map((x) => [x.path, x.angle]));
    expect([angle.get('arrows/down.png'), angle.get('arrows/left.png'), angle.get('arrows/right.png')]).toEqual([0, 90, 90]);
  });

  it('refuses to export an unlabeled project', async () => {
    const { store, dir } = makeProject([{ folder: tmpDir(), relPath: 'x.png' }]);
    await expect(exportLabels(store, { format: 'csv', out: path.join(dir, 'e.csv') })).rejects.toThrow(/no image is labeled/);
  });

  it('folder: a labeled image whose file is gone is skipped and listed in the manifest', async () => {
    const f = await build();
    fs.rmSync(path.join(f.folder, 'b', 'img.jpg'));
    const out = path.join(f.dir, 'gone');
    const r = await exportLabels(f.store, { format: 'folder', out });
    expect(r.count).toBe(9);
    expect(r.skipped).toEqual([{ path: 'b/img.jpg', reason: expect.stringMatching(/file not found/) }]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.skipped).toHaveLength(1);
    expect(manifest.count).toBe(9);
    expect(fs.existsSync(path.join(out, 'images', 'a', 'img.jpg'))).toBe(true);
    // the file formats still list it, with the size the store recorded
    const csv = path.join(f.dir, 'gone.csv');
    await exportLabels(f.store, { format: 'csv', out: csv });
    expect(readCsv(csv).rows.find((x) => x.path === 'b/img.jpg')).toMatchObject({ width: '20', height: '10', angle: '20' });
  });

  it('prefixes the folder name when the project has several folders, so equal relative paths stay apart', async () => {
    const dir = tmpDir('nl-export-');
    const a = await solidJpeg(1);
    const b = await solidJpeg(250);
    const { store, ids } = makeProject(
      [
        { folder: path.join(dir, 'day1'), relPath: 'img.jpg', bytes: a },
        { folder: path.join(dir, 'day2'), relPath: 'img.jpg', bytes: b },
      ],
      {},
      dir,
    );
    for (const id of ids) store.addLabel({ imageId: id, value: { kind: 'none' }, annotator: 't' });
    const out = path.join(dir, 'f');
    await exportLabels(store, { format: 'folder', out });
    expect(fs.readFileSync(path.join(out, 'images', 'day1', 'img.jpg')).equals(a)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'images', 'day2', 'img.jpg')).equals(b)).toBe(true);
    // the folder-prefixed paths read back through the labels import
    const back = parseLabelsCsv(store, fs.readFileSync(path.join(out, 'labels.csv'), 'utf8'), 'labels.csv');
    expect(back.map((x) => x.imageId)).toEqual(ids);
  });
});
