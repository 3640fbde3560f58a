/**
 * The upright folder export turns each image by its label; the corners the
 * turn uncovers stay transparent in an image with an alpha channel and are
 * black in an opaque one (checked on the pixels sharp writes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { copyImages } from '../../src/main/export/export-folder.js';
import type { ExportRecord } from '../../src/main/export/export-records.js';
import type { ImageId } from '../../src/shared/types.js';

function record(absPath: string, exportPath: string, angle: number, id: number): ExportRecord {
  return {
    imageId: id as ImageId,
    exportPath,
    absPath,
    sha256: null,
    width: 40,
    height: 40,
    orientation: null,
    exists: true,
    changed: false,
    angle,
    split: 'train',
    annotator: 'tester',
    labeledAt: '2026-01-01T00:00:00.000Z',
    source: 'annotator',
  };
}

/** RGBA of pixel (x, y). */
async function pixel(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (y * info.width + x) * 4;
  return [data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!];
}

describe('upright folder export', () => {
  it("keeps transparent corners transparent and fills an opaque image's corners with black", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-upright-'));
    // 40 x 40: a transparent canvas with an opaque red 20 x 20 square in the middle
    const red = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } })
      .png()
      .toBuffer();
    const png = path.join(dir, 'clip.png');
    await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: red, left: 10, top: 10 }])
      .png()
      .toFile(png);
    const opaque = path.join(dir, 'photo.png');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 200, g: 200, b: 200 } } })
      .png()
      .toFile(opaque);
    const out = path.join(dir, 'out');
    const r = await copyImages([record(png, 'clip.png', 45, 1), record(opaque, 'photo.png', 45, 2)], out, true);
    expect(r.skipped).toEqual([]);
    // a 45-degree turn of a 40 x 40 image needs a canvas of about 40 * sqrt(2) = 57 px
    const clip = path.join(out, 'clip.png');
    const meta = await sharp(clip).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(56);
    expect(meta.hasAlpha).toBe(true);
    const c = Math.floor(meta.width! / 2);
    expect((await pixel(clip, 0, 0))[3]).toBe(0); // uncovered corner: transparent
    expect(await pixel(clip, c, c)).toEqual([255, 0, 0, 255]); // the square's centre: still opaque red
    const photo = path.join(out, 'photo.png');
    expect(await pixel(photo, 0, 0)).toEqual([0, 0, 0, 255]); // opaque image: black corner
    const pc = Math.floor((await sharp(photo).metadata()).width! / 2);
    expect(await pixel(photo, pc, pc)).toEqual([200, 200, 200, 255]);
  });
});
