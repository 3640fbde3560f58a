/**
 * Every file of test/fixtures/images-awkward imports as ready or as
 * unreadable with the decoder's reason, and the ready ones decode correctly.
 *
 * What sharp 0.35 / libvips 8.18 (+ bmp-ts for BMP) does with each file,
 * checked here:
 * - unreadable: empty.jpg (0 bytes), not-an-image.png (text: refused by
 *   content sniffing), invalid-crc32.png (libpng: "IHDR: CRC error").
 * - ready: all others. invalid-trunc.png is cut inside the IEND chunk's CRC
 *   only, after the complete IDAT, so every pixel is present; the truncated
 *   progressive JPEG holds complete early scans, so libjpeg decodes the whole
 *   frame at lower quality without a warning (a truncated *baseline* JPEG is
 *   refused: see model-input.test.ts); video-001.bmp is decoded by bmp-ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModelInput, decodeModelInputFromBuffer } from '../../src/main/imaging/model-input.js';
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { ImportReport } from '../../src/shared/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(repoRoot, 'test/fixtures/images-awkward');

const EXPECT_UNREADABLE: Record<string, RegExp> = {
  'empty.jpg': /empty file \(0 bytes\)/,
  'not-an-image.png': /not a supported image format/,
  'invalid-crc32.png': /CRC error/,
};
const EXPECT_READY: Record<string, [number, number]> = {
  'basn0g16.png': [32, 32],
  'basn3p08-trns.png': [32, 32],
  'basn4a08.png': [32, 32],
  'basn6a16.png': [32, 32],
  'exif/orientation_0.jpg': [50, 70],
  'exif/orientation_1.jpg': [50, 70],
  'exif/orientation_2.jpg': [50, 70],
  'exif/orientation_3.jpg': [50, 70],
  'exif/orientation_4.jpg': [50, 70],
  'invalid-trunc.png': [232, 232],
  'video-001-16bit.tiff': [150, 103],
  'video-001.bmp': [150, 103],
  'video-001.cmyk.jpeg': [150, 103],
  'video-001.gif': [150, 103],
  'video-001.progressive.jpeg': [150, 103],
  'video-001.progressive.truncated.jpeg': [150, 103],
  'video-005.gray.jpeg': [150, 103],
  'yellow_rose.lossy-with-alpha.webp': [400, 301],
};

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};

const correlation = (a: Uint8Array, b: Uint8Array): number => {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

let tmp: string;
let store: ProjectStore;
let report: ImportReport;

beforeAll(async () => {
  expect(fs.existsSync(FIXTURES), `fixtures expected at ${FIXTURES}`).toBe(true);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-awkward-'));
  store = ProjectStore.create(path.join(tmp, 'p.nlproj'), { testFraction: 0.1 });
  report = await importFolder(store, FIXTURES);
});
afterAll(() => {
  store?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('images-awkward fixtures', () => {
  it('imports every file: exactly the expected ones ready, the others unreadable with the reason', () => {
    const listed = fs
      .readdirSync(FIXTURES, { recursive: true })
      .map(String)
      .filter((f) => fs.statSync(path.join(FIXTURES, f)).isFile() && !f.endsWith('.md'))
      .map((f) => f.split(path.sep).join('/'))
      .sort();
    expect(listed).toEqual([...Object.keys(EXPECT_READY), ...Object.keys(EXPECT_UNREADABLE)].sort());

    expect(report.scanned).toBe(listed.length);
    expect(report.added).toBe(listed.length);
    expect(report.ready).toBe(Object.keys(EXPECT_READY).length);
    const images = store.listImages();
    expect(images.length).toBe(listed.length);
    for (const img of images) {
      if (img.relPath in EXPECT_READY) {
        expect({ path: img.relPath, status: img.status, error: img.error }).toEqual({ path: img.relPath, status: 'ready', error: null });
        expect([img.width, img.height], img.relPath).toEqual(EXPECT_READY[img.relPath]);
      } else {
        expect(img.status, img.relPath).toBe('unreadable');
        expect(img.error, img.relPath).toMatch(EXPECT_UNREADABLE[img.relPath]);
      }
    }
    expect(report.unreadable.map((u) => path.relative(FIXTURES, u.path).split(path.sep).join('/')).sort()).toEqual(Object.keys(EXPECT_UNREADABLE).sort());
    const st = store.status();
    expect(st.images).toEqual({ ready: 18, unreadable: 3, missing: 0, total: 21 });
    // orientation_0 and _1 differ only in an EXIF tag, so their bytes differ: no exact duplicates here.
    expect(st.duplicates).toBe(0);
    // Test split: round(10 % of 18) = 2.
    expect(st.testSplit.size).toBe(2);
  });

  it('gives exif/orientation_1..4 the model input of orientation_0 (mean abs diff < 1 gray level)', async () => {
    const ids = Object.fromEntries(store.listImages().map((i) => [i.relPath, i.id]));
    const input = (rel: string): Uint8Array => store.getModelInputs([ids[rel]]).data;
    const ref = input('exif/orientation_0.jpg');
    for (let k = 1; k <= 4; k++) {
      const file = `exif/orientation_${k}.jpg`;
      expect(meanAbsDiff(input(file), ref), file).toBeLessThan(1);
      if (k >= 2) {
        // Control: the same file decoded without applying its orientation is far off.
        const unoriented = await sharp(path.join(FIXTURES, file))
          .resize(64, 64, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
          .greyscale()
          .raw()
          .toBuffer();
        expect(meanAbsDiff(unoriented, ref), `${file} unoriented`).toBeGreaterThan(15);
      }
    }
  });

  it('decodes every variant of video-001 to (nearly) the same model input', async () => {
    const opts = { inputSize: 64, colorMode: 'rgb' as const };
    const ref = (await decodeModelInput(path.join(FIXTURES, 'video-001.progressive.jpeg'), opts)).modelInput;
    const other = (await decodeModelInput(path.join(FIXTURES, 'video-005.gray.jpeg'), opts)).modelInput;
    const far = meanAbsDiff(other, ref); // a different frame, for scale
    expect(far).toBeGreaterThan(40);
    const limits: Record<string, number> = {
      'video-001.bmp': 1,
      'video-001.gif': 2,
      'video-001-16bit.tiff': 1,
      'video-001.progressive.truncated.jpeg': 8,
    };
    for (const [file, limit] of Object.entries(limits)) {
      const m = (await decodeModelInput(path.join(FIXTURES, file), opts)).modelInput;
      expect(meanAbsDiff(m, ref), file).toBeLessThan(limit);
    }
    // CMYK goes through libvips' CMYK profile, which renders darker than the
    // naive RGB of the other files: same picture (high correlation), other tones.
    const cmyk = (await decodeModelInput(path.join(FIXTURES, 'video-001.cmyk.jpeg'), opts)).modelInput;
    expect(correlation(cmyk, ref)).toBeGreaterThan(0.95);
    expect(correlation(other, ref)).toBeLessThan(0.8);
  });

  it('composites gray+alpha (basn4a08) on gray 128: value = (g a + 128 (255 - a)) / 255', async () => {
    const file = path.join(FIXTURES, 'basn4a08.png');
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4); // sharp expands gray+alpha to RGBA with R = G = B = gray
    const m = (await decodeModelInput(file, { inputSize: 32, colorMode: 'gray' })).modelInput;
    let worst = 0;
    let transparentSeen = 0;
    for (let p = 0; p < 32 * 32; p++) {
      const g = data[4 * p];
      const a = data[4 * p + 3];
      if (a === 0) transparentSeen++;
      worst = Math.max(worst, Math.abs(m[p] - (g * a + 128 * (255 - a)) / 255));
    }
    expect(transparentSeen).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(1.5);
  });

  it('re-importing the fixtures adds nothing and keeps every unreadable reason', async () => {
    const again = await importFolder(store, FIXTURES);
    expect(again).toMatchObject({ scanned: 21, added: 0, updated: 0, relinked: 0, skippedExisting: 21 });
    expect(store.listImages().length).toBe(21);
  });

  it('keeps the CRC reason when many decodes run at once (libvips has one error buffer per process)', async () => {
    const crc = fs.readFileSync(path.join(FIXTURES, 'invalid-crc32.png'));
    const good = fs.readFileSync(path.join(FIXTURES, 'video-001.gif'));
    for (let round = 0; round < 3; round++) {
      const jobs = Array.from({ length: 24 }, (_, i) => decodeModelInputFromBuffer(i % 6 === 0 ? crc : good, { inputSize: 32, colorMode: 'gray' }));
      const results = await Promise.allSettled(jobs);
      results.forEach((r, i) => {
        if (i % 6 === 0) {
          expect(r.status).toBe('rejected');
          expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(/CRC error/);
        } else expect(r.status).toBe('fulfilled');
      });
    }
  });
});
