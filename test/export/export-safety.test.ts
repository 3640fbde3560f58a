/**
 * Regression tests of the export's output checks (never overwrite the project,
 * an imported folder or anything but a chosen regular file), of unique export
 * paths in multi-folder projects, and of CSV formula neutralisation.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { csvParse } from 'd3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { wrapDegrees } from '../../src/shared/angle.js';
import { exportLabels, csvSidecarPath, sidecarPath } from '../../src/main/export/export-labels.js';
import { copyImages } from '../../src/main/export/export-folder.js';
import { folderPrefixes } from '../../src/main/import/image-keys.js';
import { parseLabelsCsv } from '../../src/main/import/labels-import.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { ImageId } from '../../src/shared/types.js';
import { makeProject, tmpDir, type FixtureImage } from '../io/make-project.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

const digest = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function png(v: number, w = 8, h = 6): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: v, g: 255 - v, b: 7 } } })
    .png()
    .toBuffer();
}

/** A one-folder project (dir/photos) with two labeled PNGs. */
async function labeled(images?: FixtureImage[]) {
  const dir = tmpDir('nl-exsafe-');
  const folder = path.join(dir, 'photos');
  const imgs = images ?? [
    { folder, relPath: 'a.png', bytes: await png(10) },
    { folder, relPath: 'sub/b.png', bytes: await png(200) },
  ];
  const p = makeProject(imgs, {}, dir);
  p.ids.forEach((id, i) => p.store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(30 * i) }, annotator: 't' }));
  return { ...p, folder };
}

/** The whole CSV export read by d3-dsv csvParse with no options (its first line is the header). */
/** An SVG whose top half is white: re-encoded to PNG on export (a format the folder export converts). */
const HALF_WHITE_SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="5" fill="white"/></svg>');

/** Label every image 90 degrees and export an upright folder copy to DIR/up. */
async function labelAt90AndExportUpright(
  store: ProjectStore,
  ids: readonly ImageId[],
  dir: string,
): Promise<{ out: string; r: Awaited<ReturnType<typeof exportLabels>> }> {
  ids.forEach((id) => store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(90) }, annotator: 't' }));
  const out = path.join(dir, 'up');
  return { out, r: await exportLabels(store, { format: 'folder', out, upright: true }) };
}

function csvRows(file: string): Record<string, string>[] {
  return csvParse(fs.readFileSync(file, 'utf8')) as unknown as Record<string, string>[];
}

describe('export output checks', () => {
  it('refuses the project file itself (csv, jsonl, coco), and the project survives with its labels', async () => {
    const { store, dir } = await labeled();
    const proj = store.path;
    const before = digest(proj);
    for (const format of ['csv', 'jsonl', 'coco'] as const) {
      await expect(exportLabels(store, { format, out: proj })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining(proj) });
      await expect(exportLabels(store, { format, out: proj, overwrite: true })).rejects.toThrow(/is the project file/);
    }
    // the same file named another way: a relative path with '..'
    const rel = path.relative(process.cwd(), path.join(dir, 'photos', '..', 'p.nlproj'));
    await expect(exportLabels(store, { format: 'csv', out: rel, overwrite: true })).rejects.toThrow(/is the project file/);
    expect(digest(proj)).toBe(before);
    expect(fs.existsSync(csvSidecarPath(proj))).toBe(false);
    const reopened = ProjectStore.open(proj);
    expect(reopened.currentLabels()).toHaveLength(2);
    reopened.close();
  });

  it('refuses the project -wal, -shm and -journal files even when they do not exist yet', async () => {
    const { store } = await labeled();
    for (const suffix of ['-wal', '-shm', '-journal']) {
      await expect(exportLabels(store, { format: 'jsonl', out: store.path + suffix, overwrite: true })).rejects.toThrow(/project/);
    }
  });

  it('refuses the project through a symlinked folder', async () => {
    const { store, dir } = await labeled();
    const link = path.join(tmpDir('nl-exsafe-link-'), 'alias');
    fs.symlinkSync(dir, link);
    const before = digest(store.path);
    await expect(exportLabels(store, { format: 'coco', out: path.join(link, 'p.nlproj'), overwrite: true })).rejects.toThrow(/is the project file/);
    expect(digest(store.path)).toBe(before);
  });

  it('refuses a file inside an imported folder, an image of the project, and a folder export inside an imported folder', async () => {
    const { store, folder } = await labeled();
    const img = path.join(folder, 'a.png');
    const before = digest(img);
    await expect(exportLabels(store, { format: 'csv', out: img, overwrite: true })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/a\.png.*image of the project|inside the imported folder/),
    });
    expect(digest(img)).toBe(before);
    await expect(exportLabels(store, { format: 'jsonl', out: path.join(folder, 'new', 'labels.jsonl') })).rejects.toThrow(/inside the imported folder/);
    expect(fs.existsSync(path.join(folder, 'new'))).toBe(false);
    await expect(exportLabels(store, { format: 'folder', out: path.join(folder, 'export') })).rejects.toThrow(/inside the imported folder/);
    expect(fs.existsSync(path.join(folder, 'export'))).toBe(false);
    await expect(exportLabels(store, { format: 'folder', out: folder })).rejects.toThrow(/imported folder/);
  });

  it('refuses an image of the project outside its imported folders', async () => {
    const { store, folder, dir, ids } = await labeled();
    // the folder row moved (e.g. after a relink) but an image still points at its old file
    const outside = path.join(dir, 'elsewhere.png');
    fs.copyFileSync(path.join(folder, 'a.png'), outside);
    projectSqlite(store).prepare('UPDATE images SET abs_path = ? WHERE id = ?').run(outside, ids[0]);
    const before = digest(outside);
    await expect(exportLabels(store, { format: 'csv', out: outside, overwrite: true })).rejects.toThrow(/image of the project/);
    expect(digest(outside)).toBe(before);
  });

  it('refuses a symlink (the target is untouched) and a device', async () => {
    const { store, dir } = await labeled();
    const target = path.join(dir, 'precious.txt');
    fs.writeFileSync(target, 'keep me');
    const link = path.join(dir, 'out.csv');
    fs.symlinkSync(target, link);
    await expect(exportLabels(store, { format: 'csv', out: link, overwrite: true })).rejects.toThrow(/symbolic link/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    // a path under a file (here the project file) is refused before anything is created
    await expect(exportLabels(store, { format: 'csv', out: path.join(store.path, 'x.csv') })).rejects.toThrow(
      /p\.nlproj is a file, so .*x\.(csv|meta\.json) cannot be created/,
    );
    if (process.platform === 'linux') {
      await expect(exportLabels(store, { format: 'jsonl', out: '/dev/null', overwrite: true })).rejects.toThrow(/under \/dev, a system folder/);
      const fifo = path.join(dir, 'pipe.jsonl');
      execFileSync('mkfifo', [fifo]);
      await expect(exportLabels(store, { format: 'jsonl', out: fifo, overwrite: true })).rejects.toThrow(/not a regular file/);
    }
  });

  it('refuses an existing file (and an existing CSV or JSONL sidecar) unless overwrite is given', async () => {
    const { store, dir } = await labeled();
    const out = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(out, 'old');
    await expect(exportLabels(store, { format: 'jsonl', out })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/labels\.jsonl already exists.*--overwrite/),
    });
    expect(fs.readFileSync(out, 'utf8')).toBe('old');
    await exportLabels(store, { format: 'jsonl', out, overwrite: true });
    // two labeled images: two records, no metadata line
    expect(fs.readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    // the JSONL sidecar is refused like the CSV's when it exists, and replaced with overwrite
    const sideJ = sidecarPath(out, 'jsonl');
    fs.writeFileSync(sideJ, '{"mine":2}');
    fs.rmSync(out);
    await expect(exportLabels(store, { format: 'jsonl', out })).rejects.toThrow(/labels\.jsonl\.meta\.json already exists/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readFileSync(sideJ, 'utf8')).toBe('{"mine":2}');
    await exportLabels(store, { format: 'jsonl', out, overwrite: true });
    expect(JSON.parse(fs.readFileSync(sideJ, 'utf8'))).toMatchObject({ format: 'jsonl', count: 2 });

    const csv = path.join(dir, 'x.csv');
    fs.writeFileSync(csvSidecarPath(csv), '{"mine":1}');
    await expect(exportLabels(store, { format: 'csv', out: csv })).rejects.toThrow(/x\.meta\.json already exists/);
    expect(fs.existsSync(csv)).toBe(false);
    expect(fs.readFileSync(csvSidecarPath(csv), 'utf8')).toBe('{"mine":1}');
    // a new file is written without overwrite, and no temp file is left behind
    const fresh = path.join(dir, 'fresh', 'y.csv');
    await exportLabels(store, { format: 'csv', out: fresh });
    expect(fs.readdirSync(path.dirname(fresh)).sort()).toEqual(['y.csv', 'y.meta.json']);
  });
});

describe('export paths in multi-folder projects', () => {
  it('folders p/x-3, q/x, r/x: prefixes are distinct, so both a.png get their own CSV row and file', async () => {
    const dir = tmpDir('nl-exsafe-');
    const a1 = await png(1);
    const a3 = await png(99);
    const b2 = await png(150);
    const { store, ids } = makeProject(
      [
        { folder: path.join(dir, 'p', 'x-3'), relPath: 'a.png', bytes: a1 },
        { folder: path.join(dir, 'q', 'x'), relPath: 'b.png', bytes: b2 },
        { folder: path.join(dir, 'r', 'x'), relPath: 'a.png', bytes: a3 },
      ],
      {},
      dir,
    );
    expect(store.listFolders().map((f) => f.id)).toEqual([1, 2, 3]);
    const prefixes = [...folderPrefixes(store).values()];
    expect(new Set(prefixes.map((p) => p.toLowerCase())).size).toBe(3);
    ids.forEach((id, i) => store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(10 * (i + 1)) }, annotator: 't' }));

    const csv = path.join(dir, 'l.csv');
    await exportLabels(store, { format: 'csv', out: csv });
    const rows = csvRows(csv);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.path)).size).toBe(3);
    // the rows read back onto the images they came from
    const back = parseLabelsCsv(store, fs.readFileSync(csv, 'utf8'), csv);
    expect(back.map((b) => [b.imageId, b.value])).toEqual(ids.map((id, i) => [id, { kind: 'angle', angle: 10 * (i + 1) }]));

    const out = path.join(dir, 'f');
    const r = await exportLabels(store, { format: 'folder', out });
    expect(r.count).toBe(3);
    const byPath = new Map(csvRows(path.join(out, 'labels.csv')).map((x) => [x.path!, x.angle]));
    expect(byPath.size).toBe(3);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const fileOf = (angle: string) => path.join(out, 'images', ...[...byPath].find(([, a]) => a === angle)![0].split('/'));
    expect(fs.readFileSync(fileOf('10')).equals(a1)).toBe(true);
    expect(fs.readFileSync(fileOf('30')).equals(a3)).toBe(true);
    expect(manifest.files).toHaveLength(3);
  });

  it('a re-encoded copy whose .png name is another labeled file gets a distinct name; nothing clashes', async () => {
    const dir = tmpDir('nl-exsafe-');
    const folder = path.join(dir, 'f');
    const realPng = await png(60, 10, 10);
    // the PNG first, so that it is written before the SVG copy would take its name
    const { store, ids } = makeProject(
      [
        { folder, relPath: 'icon.svg.png', bytes: realPng },
        { folder, relPath: 'icon.svg', bytes: HALF_WHITE_SVG },
      ],
      {},
      dir,
    );
    const { out, r } = await labelAt90AndExportUpright(store, ids, dir);
    expect(r.count).toBe(2);
    expect(r.skipped).toEqual([]);
    const rows = csvRows(path.join(out, 'labels.csv'));
    const paths = rows.map((x) => x.path!);
    expect(new Set(paths).size).toBe(2);
    expect(paths).toContain('icon.svg.png');
    for (const p of paths) expect(fs.existsSync(path.join(out, 'images', p))).toBe(true);
    // the real PNG's copy is rotated by -90 from its own pixels, not replaced by the SVG
    const copy = await sharp(path.join(out, 'images', 'icon.svg.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const orig = await sharp(realPng).rotate(-90).raw().toBuffer({ resolveWithObject: true });
    expect(copy.data.equals(orig.data)).toBe(true);
  });
});

describe('CSV formula neutralisation', () => {
  it("prefixes cells starting with = + - @ with ' in CSV only; JSONL keeps the values; the labels import reads the paths back", async () => {
    const dir = tmpDir('nl-exsafe-');
    const folder = path.join(dir, 'photos');
    const names = ['=cmd.png', '+1.png', '-2.png', '@sum.png', 'plain.png'];
    const imgs = await Promise.all(names.map(async (n, i) => ({ folder, relPath: n, bytes: await png(20 * i) })));
    const { store, ids } = makeProject(imgs, {}, dir);
    const annotator = '=HYPERLINK("http://x","y")';
    ids.forEach((id, i) => store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(10 * i) }, annotator: i === 0 ? annotator : 'ann' }));

    const csv = path.join(dir, 'l.csv');
    await exportLabels(store, { format: 'csv', out: csv });
    const text = fs.readFileSync(csv, 'utf8');
    expect(text.split('\n')[0]).toBe('path,sha256,width,height,angle,no_orientation,split,annotator,labeled_at,source,angle_convention');
    expect(JSON.parse(fs.readFileSync(csvSidecarPath(csv), 'utf8')).csvFormulaNote).toMatch(
      /starting with = \+ - @.*single quote ' so spreadsheets do not run them as formulas/,
    );
    const rows = csvRows(csv);
    expect(rows.map((r) => r.path)).toEqual(["'=cmd.png", "'+1.png", "'-2.png", "'@sum.png", 'plain.png']);
    expect(rows[0]!.annotator).toBe(`'${annotator}`);
    expect(rows[1]!.annotator).toBe('ann');
    // no cell of the file starts with a formula character
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    const back = parseLabelsCsv(store, text, csv);
    expect(back.map((b) => b.imageId)).toEqual(ids);

    const jsonl = path.join(dir, 'l.jsonl');
    await exportLabels(store, { format: 'jsonl', out: jsonl });
    const recs = fs
      .readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recs.map((r) => r.path)).toEqual(names);
    expect(recs[0].annotator).toBe(annotator);
    const coco = path.join(dir, 'c.json');
    await exportLabels(store, { format: 'coco', out: coco });
    expect(JSON.parse(fs.readFileSync(coco, 'utf8')).images.map((i: { file_name: string }) => i.file_name)).toEqual(names);
  });
});

describe('folder copies are planned before anything is written', () => {
  it('two records with one export path: refused naming both files, and no file or folder is created', async () => {
    const dir = tmpDir('nl-exsafe-');
    const a = path.join(dir, 'a.png');
    const b = path.join(dir, 'b.png');
    fs.writeFileSync(a, await png(1));
    fs.writeFileSync(b, await png(2));
    const rec = (abs: string, id: number) => ({
      imageId: id as never,
      exportPath: 'same/x.png',
      absPath: abs,
      sha256: null,
      width: 8,
      height: 6,
      orientation: null,
      exists: true,
      changed: false,
      angle: wrapDegrees(0),
      split: 'train' as const,
      annotator: 't',
      labeledAt: '2026-01-01T00:00:00Z',
      source: 'ui',
    });
    const imagesDir = path.join(dir, 'out', 'images');
    await expect(copyImages([rec(a, 1), rec(b, 2)], imagesDir, false)).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/images\/same\/x\.png .*a\.png.*b\.png.*nothing was written/),
    });
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it("a re-encoded copy's .png name that is a folder of other copies gets a distinct name", async () => {
    const dir = tmpDir('nl-exsafe-');
    const folder = path.join(dir, 'f');
    const { store, ids } = makeProject(
      [
        { folder, relPath: 'icon.svg.png/b.png', bytes: await png(5) },
        { folder, relPath: 'icon.svg', bytes: HALF_WHITE_SVG },
      ],
      {},
      dir,
    );
    const { out, r } = await labelAt90AndExportUpright(store, ids, dir);
    expect(r.count).toBe(2);
    expect(fs.statSync(path.join(out, 'images', 'icon.svg.png')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(out, 'images', 'icon.svg.png', 'b.png'))).toBe(true);
    expect(fs.statSync(path.join(out, 'images', `icon.svg.${ids[1]}.png`)).isFile()).toBe(true);
  });
});
