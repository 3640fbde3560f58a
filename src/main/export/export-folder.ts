/**
 * Folder export: a copy of every labeled image under OUT/images/<export path>
 * (the relative subfolder structure is kept, so two img.jpg in different
 * subfolders are two files), plus OUT/labels.csv and OUT/manifest.json.
 *
 * Pixels are always upright as displayed: a file without an EXIF orientation
 * tag (or tag 1) is copied byte for byte; a file with a tag is decoded, rotated
 * by sharp's autoOrient and re-encoded in its own format (JPEG quality 95) with
 * no tag. With `upright`, each image labeled with an angle a != 0 is also
 * rotated counter-clockwise by a (sharp rotate(-a), canvas enlarged to hold
 * it; the uncovered corners are transparent when the image has an alpha
 * channel, else black) so its front points up, and its exported angle is 0.
 * A file re-encoded as PNG (its format cannot be written) is named
 * '<export path>.png', or '<export path>.<image id>.png' when that name is
 * another labeled image's.
 *
 * Every destination is planned and checked before anything is written: two
 * images mapping to one file (or one image's file being another's folder;
 * compared case-insensitively on macOS and Windows) is refused up front.
 * Files are created exclusively (never overwritten); OUT must be new or empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../../shared/errors.js';
import type { WrittenRecord } from './export-formats.js';
import type { ExportRecord } from './export-records.js';
import { writeNewFile } from '../io/guarded-write.js';

const WRITABLE = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif', 'avif', 'heif']);

export interface FolderCopyResult {
  readonly written: WrittenRecord[];
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

/**
 * Check that `out` is a new or empty directory (nothing is created).
 * @throws AppError('invalid-argument') when it is a file or a non-empty folder
 */
export function checkEmptyDir(out: string): void {
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new AppError('invalid-argument', `${out} exists and is not a folder; give a new folder for the export`);
    if (fs.readdirSync(out).length > 0)
      throw new AppError('invalid-argument', `${out} is not empty; a folder export never overwrites files: give a new or empty folder`);
  }
}

/** Ensure `out` is a new or empty directory, and create it. */
export function prepareEmptyDir(out: string): void {
  checkEmptyDir(out);
  fs.mkdirSync(out, { recursive: true });
}

/** One planned copy: its destination (relative to images/) and how the pixels are made. */
export interface PlannedCopy {
  readonly record: ExportRecord;
  readonly exportPath: string;
  /** Degrees to turn counter-clockwise (upright), 0 for none. */
  readonly rotateBy: number;
  /** Format to re-encode in, or null for a byte-for-byte copy. */
  readonly encodeAs: string | null;
}

const foldCase = process.platform === 'darwin' || process.platform === 'win32';
const destKey = (p: string): string => (foldCase ? p.toLowerCase() : p);

/**
 * Plan every copy of a folder export (see the module doc): destinations,
 * rotation and format; images whose file is missing or unreadable are skipped.
 * @throws AppError('invalid-argument') when two images would be written to one
 *   destination, naming both, before anything is written
 */
export async function planCopies(
  records: readonly ExportRecord[],
  upright: boolean,
): Promise<{ plans: PlannedCopy[]; skipped: { path: string; reason: string }[] }> {
  const skipped: { path: string; reason: string }[] = [];
  const draft: { record: ExportRecord; rotateBy: number; encodeAs: string | null; suffixed: boolean }[] = [];
  for (const r of records) {
    if (!r.exists) {
      skipped.push({ path: r.exportPath, reason: `file not found at ${r.absPath}` });
      continue;
    }
    const rotateBy = upright && r.angle !== null && r.angle !== 0 ? r.angle : 0;
    const tagged = r.orientation !== null && r.orientation !== 1;
    if (!tagged && rotateBy === 0) {
      draft.push({ record: r, rotateBy, encodeAs: null, suffixed: false });
      continue;
    }
    try {
      const format = (await sharp(r.absPath).metadata()).format ?? 'png';
      const writable = WRITABLE.has(format);
      draft.push({ record: r, rotateBy, encodeAs: writable ? format : 'png', suffixed: !writable });
    } catch (e) {
      skipped.push({ path: r.exportPath, reason: (e as Error).message });
    }
  }
  // names kept as they are first, so a '.png' name never displaces another image's own name
  const taken = new Map<string, string>();
  const take = (dest: string, by: ExportRecord): void => {
    const prev = taken.get(destKey(dest));
    if (prev !== undefined) {
      throw new AppError(
        'invalid-argument',
        `two labeled images would be written to images/${dest} (${prev} and ${by.absPath}); rename one of the files, or export as csv/jsonl/coco; nothing was written`,
      );
    }
    taken.set(destKey(dest), by.absPath);
  };
  const dests = new Map<ExportRecord, string>();
  for (const d of draft) {
    if (d.suffixed) continue;
    take(d.record.exportPath, d.record);
    dests.set(d.record, d.record.exportPath);
  }
  const plainDirs = new Set<string>();
  for (const dest of dests.values()) {
    const parts = dest.split('/');
    for (let i = 1; i < parts.length; i++) plainDirs.add(destKey(parts.slice(0, i).join('/')));
  }
  const busy = (dest: string): boolean => taken.has(destKey(dest)) || plainDirs.has(destKey(dest));
  for (const d of draft) {
    if (!d.suffixed) continue;
    let dest = `${d.record.exportPath}.png`;
    for (let k = 1; busy(dest); k++) dest = `${d.record.exportPath}.${d.record.imageId}${k > 1 ? `-${k}` : ''}.png`;
    take(dest, d.record);
    dests.set(d.record, dest);
  }
  // a file whose name is another file's folder (e.g. 'a' and 'a/b.png')
  const dirs = new Map<string, string>();
  for (const [rec, dest] of dests) {
    const parts = dest.split('/');
    for (let i = 1; i < parts.length; i++) dirs.set(destKey(parts.slice(0, i).join('/')), rec.absPath);
  }
  for (const [rec, dest] of dests) {
    const other = dirs.get(destKey(dest));
    if (other !== undefined) {
      throw new AppError(
        'invalid-argument',
        `images/${dest} would be both the copy of ${rec.absPath} and a folder holding the copy of ${other}; rename one of the files; nothing was written`,
      );
    }
  }
  return { plans: draft.map((d) => ({ record: d.record, exportPath: dests.get(d.record)!, rotateBy: d.rotateBy, encodeAs: d.encodeAs })), skipped };
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
  const { plans, skipped } = await planCopies(records, upright);
  return writeCopies(plans, skipped, imagesDir, upright);
}

/** Write planned copies (planCopies) into imagesDir; a copy that fails to decode or encode is skipped with the reason. */
export async function writeCopies(
  plans: readonly PlannedCopy[],
  skippedBefore: readonly { path: string; reason: string }[],
  imagesDir: string,
  upright: boolean,
): Promise<FolderCopyResult> {
  const written: WrittenRecord[] = [];
  const skipped = [...skippedBefore];
  for (const { record: r, exportPath, rotateBy, encodeAs } of plans) {
    const dest = path.join(imagesDir, ...exportPath.split('/'));
    const exportAngle = upright && r.angle !== null ? 0 : r.angle;
    try {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      if (encodeAs === null) {
        fs.copyFileSync(r.absPath, dest, fs.constants.COPYFILE_EXCL);
        written.push({ ...r, exportPath, exportAngle });
        continue;
      }
      let pipeline = sharp(r.absPath).autoOrient();
      if (rotateBy !== 0) {
        // The corners a turn uncovers stay transparent in an image with an alpha channel, else they are black.
        const { hasAlpha } = await sharp(r.absPath).metadata();
        pipeline = pipeline.rotate(-rotateBy, { background: { r: 0, g: 0, b: 0, alpha: hasAlpha ? 0 : 1 } });
      }
      const enc = await encodeLike(pipeline, encodeAs);
      writeNewFile(dest, enc.data);
      written.push({ ...r, exportPath, width: enc.width, height: enc.height, exportAngle });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // a full disk fails the whole export (the caller removes what was written), never a skipped image
      if (err.code === 'ENOSPC' || err.code === 'EDQUOT') throw e;
      if (err.code === 'EEXIST') {
        throw new AppError('internal', `${dest} already exists although every destination was checked; was the export folder written to meanwhile?`);
      }
      skipped.push({ path: r.exportPath, reason: err.message });
    }
  }
  return { written, skipped };
}
