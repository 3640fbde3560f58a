/**
 * Folder export: a copy of every labeled image under OUT/images/<export path>
 * (the relative subfolder structure is kept, so two img.jpg in different
 * subfolders are two files), plus OUT/labels.csv and OUT/manifest.json.
 *
 * Pixels are always upright as displayed: a file without an EXIF orientation
 * tag (or tag 1) is copied byte for byte; a file with a tag is decoded, rotated
 * by sharp's autoOrient and re-encoded in its own format (JPEG quality 95) with
 * no tag. With `upright`, each image labeled with an angle a != 0 is also
 * rotated counter-clockwise by a (sharp rotate(-a), black corners, canvas
 * enlarged to hold it) so its front points up, and its exported angle is 0.
 * Files are created exclusively (never overwritten); OUT must be new or empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { WrittenRecord } from './export-formats.js';
import type { ExportRecord } from './export-records.js';

const WRITABLE = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'avif', 'heif']);

export interface FolderCopyResult {
  readonly written: WrittenRecord[];
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

/** Ensure `out` is a new or empty directory. */
export function prepareEmptyDir(out: string): void {
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new AppError('invalid-argument', `${out} exists and is not a folder; give a new folder for the export`);
    if (fs.readdirSync(out).length > 0) throw new AppError('invalid-argument', `${out} is not empty; a folder export never overwrites files: give a new or empty folder`);
  }
  fs.mkdirSync(out, { recursive: true });
}

async function encodeLike(pipeline: Sharp, format: string): Promise<{ data: Buffer; width: number; height: number }> {
  const p =
    format === 'jpeg'
      ? pipeline.jpeg({ quality: 95 })
      : format === 'png'
        ? pipeline.png()
        : format === 'webp'
          ? pipeline.webp({ quality: 95 })
          : format === 'tiff'
            ? pipeline.tiff()
            : format === 'gif'
              ? pipeline.gif()
              : format === 'avif' || format === 'heif'
                ? pipeline.avif({ quality: 80 })
                : pipeline.png();
  const { data, info } = await p.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Copy (or rotate and re-encode) every record's image into imagesDir; see the module doc. */
export async function copyImages(records: readonly ExportRecord[], imagesDir: string, upright: boolean): Promise<FolderCopyResult> {
  const written: WrittenRecord[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const r of records) {
    if (!r.exists) {
      skipped.push({ path: r.exportPath, reason: `file not found at ${r.absPath}` });
      continue;
    }
    const rotateBy = upright && r.angle !== null && r.angle !== 0 ? r.angle : 0;
    const tagged = r.orientation !== null && r.orientation !== 1;
    let exportPath = r.exportPath;
    const dest = (): string => path.join(imagesDir, ...exportPath.split('/'));
    try {
      if (!tagged && rotateBy === 0) {
        fs.mkdirSync(path.dirname(dest()), { recursive: true });
        fs.copyFileSync(r.absPath, dest(), fs.constants.COPYFILE_EXCL);
        written.push({ ...r, exportPath, exportAngle: upright && r.angle !== null ? 0 : r.angle });
        continue;
      }
      const meta = await sharp(r.absPath).metadata();
      const format = meta.format ?? 'png';
      if (!WRITABLE.has(format)) exportPath += '.png';
      let pipeline = sharp(r.absPath).autoOrient();
      if (rotateBy !== 0) pipeline = pipeline.rotate(-rotateBy, { background: { r: 0, g: 0, b: 0, alpha: 1 } });
      const enc = await encodeLike(pipeline, WRITABLE.has(format) ? format : 'png');
      fs.mkdirSync(path.dirname(dest()), { recursive: true });
      fs.writeFileSync(dest(), enc.data, { flag: 'wx' });
      written.push({
        ...r,
        exportPath,
        width: enc.width,
        height: enc.height,
        exportAngle: upright && r.angle !== null ? 0 : r.angle,
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') {
        throw new AppError('internal', `${dest()} already exists; two labeled images map to the same export path ${exportPath}`);
      }
      skipped.push({ path: r.exportPath, reason: err.message });
    }
  }
  return { written, skipped };
}
