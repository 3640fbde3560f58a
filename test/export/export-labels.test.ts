import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { csvParse } from 'd3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportLabels, csvSidecarPath, sidecarPath } from '../../src/main/export/export-labels.js';
import { parseLabelsCsv, readLabelsCsv } from '../../src/main/import/labels-import.js';
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
  return sharp(Buffer.from(px), { raw: { width: w, height: h, channels: 1 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function solidJpeg(v: number): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 10, channels: 3, background: { r: v, g: 255 - v, b: 40 } } })
    .jpeg()
    .toBuffer();
}

async function build(settings = {}): Promise<Fixture> {
  const dir = tmpDir('nl-export-');
  const folder = path.join(dir, 'photos');
  const imgA = await solidJpeg(10);
  const imgB = await solidJpeg(200);
  const images: FixtureImage[] = [
    ...(await Promise.all(
      ARROWS.map(async ([rel, dirDeg]) => {
        const side = rel.includes('360') ? 50 : 48;
        return { folder, relPath: rel, bytes: await arrowPng(side, dirDeg), width: side, height: side };
      }),
    )),
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

/** The whole CSV file parsed by d3-dsv csvParse with no options (a standard reader): first line = header. */
function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const parsed = csvParse(fs.readFileSync(file, 'utf8'));
  return { header: parsed.columns, rows: parsed as unknown as Record<string, string>[] };
}

/** Every line of a JSONL file, each parsed on its own with JSON.parse. */
function readJsonl(file: string): Record<string, unknown>[] {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Columns of a CSV export, written out by hand (README "Exports"). */
const HEADER = ['path', 'sha256', 'width', 'height', 'angle', 'no_orientation', 'split', 'annotator', 'labeled_at', 'source', 'angle_convention'];
/** Keys of every JSONL record, written out by hand. */
const JSONL_KEYS = ['path', 'sha256', 'width', 'height', 'angle', 'no_orientation', 'split', 'annotator', 'labeled_at', 'source', 'angle_convention'].sort();
const CONVENTION_360 = 'degrees clockwise from image up, [0, 360)';
const CONVENTION_180 = 'degrees clockwise from image up, axial, [0, 180)';

/** python3 when it runs, for reading the CSV with the standard library's csv.DictReader. */
const PYTHON = ((): string | null => {
  const r = spawnSync('python3', ['-c', 'import csv, json, sys'], { encoding: 'utf8' });
  return r.status === 0 ? 'python3' : null;
})();

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

  it('csv: a plain file (header first), angles 0/90/180/270, 360 as 0, none empty, EXIF-6 photo 48 x 64, convention per row, sidecar with settings', async () => {
    const out = path.join(fx.dir, 'out', 'labels.csv');
    const before = Date.now();
    const r = await exportLabels(fx.store, { format: 'csv', out });
    expect(r.count).toBe(10);
    expect(r.meta).toBe(path.join(fx.dir, 'out', 'labels.meta.json'));
    expect(r.files).toEqual([r.meta, out]);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe(HEADER.join(','));
    expect(text).not.toMatch(/^#/m);
    const { header, rows } = readCsv(out);
    expect(header).toEqual(HEADER);
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(Object.keys(row)).toEqual(HEADER);
    expect(new Map(rows.map((x) => [x.path!, x.angle === '' ? null : Number(x.angle)]))).toEqual(EXPECTED_ANGLE);
    // each angle equals the label stored in the project
    const stored = new Map(fx.store.currentLabels().map((l) => [l.imageId, l.value]));
    for (const row of rows) {
      const v = stored.get(fx.byPath.get(row.path!)!)!;
      expect(row.angle === '' ? { kind: 'none' } : { kind: 'angle', angle: Number(row.angle) }).toEqual(v);
      expect(row.angle_convention).toBe(CONVENTION_360);
    }
    const plain = rows.find((x) => x.path === 'plain.png')!;
    expect([plain.angle, plain.no_orientation]).toEqual(['', '1']);
    const exif = rows.find((x) => x.path === 'camera/exif6.jpg')!;
    expect([exif.width, exif.height]).toEqual(['48', '64']);
    expect(rows.some((x) => x.angle === '360')).toBe(false);
    const side = JSON.parse(fs.readFileSync(csvSidecarPath(out), 'utf8'));
    expect(side.angle).toMatchObject({ unit: 'degrees', direction: 'clockwise', zero: 'image up', axial: false, range: [0, 360], short: CONVENTION_360 });
    expect(side.settings).toEqual(fx.store.settings);
    expect(side).toMatchObject({ format: 'csv', count: 10 });
    expect(side.csvFormulaNote).toMatch(/single quote/);
    expect(Date.parse(side.exportedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(side.exportedAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it.skipIf(!PYTHON)("csv: Python's csv.DictReader (no options) reads the same header and rows as csvParse", async () => {
    const out = path.join(fx.dir, 'py.csv');
    await exportLabels(fx.store, { format: 'csv', out });
    const script =
      'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n    r = csv.DictReader(f)\n    rows = list(r)\n    print(json.dumps({"header": r.fieldnames, "rows": rows}))\n';
    const py = spawnSync(PYTHON!, ['-c', script, out], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const got = JSON.parse(py.stdout) as { header: string[]; rows: Record<string, string>[] };
    expect(got.header).toEqual(HEADER);
    expect(got.rows).toHaveLength(10);
    expect(got.rows).toEqual(readCsv(out).rows.map((x) => ({ ...x })));
    for (const row of got.rows) {
      expect(row.angle_convention).toBe(CONVENTION_360);
      expect(row.angle === '' ? null : Number(row.angle)).toBe(EXPECTED_ANGLE.get(row.path!));
    }
  });
  if (!PYTHON) console.log('skipped the csv.DictReader check: python3 is not available');

  it('csv round-trips through the labels import (from the file, as `labels import` reads it)', async () => {
    const out = path.join(fx.dir, 'rt.csv');
    await exportLabels(fx.store, { format: 'csv', out });
    const current = new Map(fx.store.currentLabels().map((l) => [l.imageId, l.value]));
    for (const back of [readLabelsCsv(fx.store, out), parseLabelsCsv(fx.store, fs.readFileSync(out, 'utf8'), out)]) {
      expect(back).toHaveLength(current.size);
      for (const b of back) expect(b.value).toEqual(current.get(b.imageId));
      // line 1 is the header, so record k is on line k + 1
      expect(back.map((b) => b.line)).toEqual(back.map((_, k) => k + 2));
    }
  });

  it('jsonl: one record per line, all with the same keys (angle_convention included), no metadata line; sidecar beside it', async () => {
    const out = path.join(fx.dir, 'labels.jsonl');
    const r = await exportLabels(fx.store, { format: 'jsonl', out });
    expect(r.meta).toBe(path.join(fx.dir, 'labels.jsonl.meta.json'));
    expect(r.files).toEqual([r.meta, out]);
    const recs = readJsonl(out);
    expect(recs).toHaveLength(10);
    for (const x of recs) {
      expect(Object.keys(x).sort()).toEqual(JSONL_KEYS);
      expect(x.angle_convention).toBe(CONVENTION_360);
    }
    expect(new Map(recs.map((x) => [x.path, x.angle]))).toEqual(EXPECTED_ANGLE);
    const exif = recs.find((x) => x.path === 'camera/exif6.jpg')!;
    expect([exif.width, exif.height]).toEqual([48, 64]);
    expect(recs.find((x) => x.path === 'plain.png')).toMatchObject({ angle: null, no_orientation: true });
    const side = JSON.parse(fs.readFileSync(sidecarPath(out, 'jsonl'), 'utf8'));
    expect(side.angle).toMatchObject({ unit: 'degrees', direction: 'clockwise', range: [0, 360], short: CONVENTION_360 });
    expect(side.settings).toEqual(fx.store.settings);
    expect(side.settings.inputSize).toBe(64);
    expect(side).toMatchObject({ format: 'jsonl', count: 10, csvFormulaNote: null });
  });

  it('csv and jsonl exports side by side keep their own sidecars', async () => {
    const dir = path.join(fx.dir, 'both');
    const csv = await exportLabels(fx.store, { format: 'csv', out: path.join(dir, 'labels.csv') });
    const jsonl = await exportLabels(fx.store, { format: 'jsonl', out: path.join(dir, 'labels.jsonl') });
    expect(fs.readdirSync(dir).sort()).toEqual(['labels.csv', 'labels.jsonl', 'labels.jsonl.meta.json', 'labels.meta.json']);
    expect(JSON.parse(fs.readFileSync(csv.meta!, 'utf8')).format).toBe('csv');
    expect(JSON.parse(fs.readFileSync(jsonl.meta!, 'utf8')).format).toBe('jsonl');
  });

  it('coco: convention in info, image sizes displayed, one annotation per image', async () => {
    const out = path.join(fx.dir, 'coco.json');
    const r = await exportLabels(fx.store, { format: 'coco', out });
    expect([r.meta, r.files]).toEqual([null, [out]]);
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
    for (let y = 0; y < px.height; y++)
      for (let x = 0; x < px.width; x++) x < px.width / 2 ? (left += px.data[y * px.width + x]!) : (right += px.data[y * px.width + x]!);
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
    expect(r.meta).toBe(path.join(out, 'manifest.json'));
    expect(manifest.settings).toEqual(fx.store.settings);
    const { header, rows } = readCsv(path.join(out, 'labels.csv'));
    expect(header).toEqual(HEADER);
    expect(rows.every((x) => x.angle_convention === CONVENTION_360)).toBe(true);
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
    const { header, rows } = readCsv(path.join(out, 'labels.csv'));
    // original_angle goes before angle_convention
    expect(header).toEqual([...HEADER.slice(0, -1), 'original_angle', 'angle_convention']);
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
    const recs = readJsonl(out);
    for (const x of recs) expect(x.angle_convention).toBe(CONVENTION_180);
    const side = JSON.parse(fs.readFileSync(sidecarPath(out, 'jsonl'), 'utf8'));
    expect(side.angle).toMatchObject({ axial: true, range: [0, 180], short: CONVENTION_180 });
    expect(side.angle.text).toMatch(/range \[0, 180\).*axial/);
    const angle = new Map(recs.map((x) => [x.path, x.angle]));
    expect([angle.get('arrows/down.png'), angle.get('arrows/left.png'), angle.get('arrows/right.png')]).toEqual([0, 90, 90]);
    // the CSV says the same in every row, and reads back with period 180
    const csv = path.join(ax.dir, 'ax.csv');
    await exportLabels(ax.store, { format: 'csv', out: csv });
    const { rows } = readCsv(csv);
    expect(rows.map((x) => x.angle_convention)).toEqual(rows.map(() => CONVENTION_180));
    const back = new Map(readLabelsCsv(ax.store, csv).map((b) => [b.imageId, b.value]));
    expect(back.get(ax.byPath.get('arrows/left.png')!)).toEqual({ kind: 'angle', angle: 90 });
    expect(back.size).toBe(10);
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
