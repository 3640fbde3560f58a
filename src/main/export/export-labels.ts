/**
 * Export the labeled images (docs/architecture.md, pipeline stage 7) as CSV, JSONL,
 * COCO-style JSON or an image folder with a manifest.
 *
 * Every output states the angle convention (degrees, clockwise from image up,
 * axial or not, range) and the project's settings (ExportMeta):
 * - csv: OUT is a plain CSV file (header line, then one row per image, with an
 *   angle_convention column; export-formats.ts), plus the sidecar
 *   sidecarPath(OUT, 'csv') (labels.csv -> labels.meta.json) holding the
 *   metadata as JSON: convention, settings, export time, count.
 * - jsonl: OUT holds one record object per line, all with the same keys
 *   (including angle_convention), plus the sidecar sidecarPath(OUT, 'jsonl')
 *   (labels.jsonl -> labels.jsonl.meta.json, so a CSV and a JSONL export
 *   side by side keep their own).
 * - coco: OUT is the JSON file; the metadata is in "info".
 * - folder: OUT is a new or empty folder: images/ (copies, upright pixels,
 *   subfolders kept), labels.csv (as the csv format, paths relative to images/)
 *   and manifest.json (metadata, files, skipped).
 * Width and height are the displayed (EXIF-corrected) size; angles are in
 * [0, period) (360 never appears), null/empty for "no orientation".
 * `upright` (folder only) rotates each copy counter-clockwise by its angle;
 * the manifest says that the angles of upright copies are 0.
 *
 * Everything is written by the guarded writer (src/main/io/guarded-write.ts):
 * checked before anything is written (never the project file or its
 * -wal/-shm, an image of the project or a path inside an imported folder, a
 * symlink, device or other non-regular file; an existing file only with
 * `overwrite`), then temp file + fsync + rename. A file export writes its
 * file and sidecar as one; a folder export fills a hidden staging folder that
 * is renamed to OUT at the end. A failed export (a full disk included) leaves
 * nothing behind and says so ("disk full: N MB needed"). CSV text cells that start with
 * = + - @ are prefixed with ' against spreadsheet formula injection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ExportFormat, ExportReport } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { checkEmptyDir, planCopies, writeCopies } from './export-folder.js';
import { checkOutputFolder, exportGuard } from './export-target.js';
import { writeNewFile, writeOutputDir, writeOutputs, type OutputFile } from '../io/guarded-write.js';
import { formatCoco, formatCsv, formatJsonl, type WrittenRecord } from './export-formats.js';
import { buildExportMeta } from './export-meta.js';
import { collectExportRecords } from './export-records.js';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Output file (csv, jsonl, coco) or folder (folder). */
  readonly out: string;
  /** Folder export only: rotate copies so the front points up. */
  readonly upright?: boolean;
  /**
   * File formats: replace an existing regular file at `out` (and the CSV or
   * JSONL sidecar). Never allows the project, its images or imported folders. Default false.
   */
  readonly overwrite?: boolean;
}

export interface ExportResult extends ExportReport {
  /** Files written (absolute paths), metadata first; for a folder export: manifest.json, labels.csv and the images folder. */
  readonly files: readonly string[];
  /** Absolute path of the metadata JSON (convention, settings, export time, count): the sidecar (csv, jsonl), manifest.json (folder), or null (coco: in the file's "info"). */
  readonly meta: string | null;
  /** Labeled images left out: file changed since it was labeled (every format), missing or unreadable (folder). */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

/**
 * Sidecar metadata file of a CSV or JSONL export: labels.csv -> labels.meta.json
 * (a trailing .csv, any case, is replaced), labels.jsonl -> labels.jsonl.meta.json
 * (the JSONL file name is kept whole, so it never collides with the CSV's).
 */
export function sidecarPath(out: string, format: 'csv' | 'jsonl'): string {
  return format === 'csv' ? out.replace(/\.csv$/i, '') + '.meta.json' : out + '.meta.json';
}

/** Sidecar metadata file of a CSV export: sidecarPath(csvFile, 'csv'). */
export function csvSidecarPath(csvFile: string): string {
  return sidecarPath(csvFile, 'csv');
}

/**
 * Export the current labels of the project (see the module doc).
 * @returns the format, the output path, the number of labeled images written, files
 *   (metadata first), the metadata file (`meta`) and skipped images.
 * @throws AppError('invalid-argument') for an unknown format, upright with a file format,
 *   an output refused by export-target.ts (the project, an image, inside an imported
 *   folder, a link or non-regular file, an existing file without overwrite), a folder
 *   export into a non-empty folder or two images mapping to one copy;
 *   AppError('not-enough-labels') when nothing is labeled.
 */
export async function exportLabels(store: ProjectStore, opts: ExportOptions): Promise<ExportResult> {
  const { format } = opts;
  const out = path.resolve(opts.out);
  const upright = opts.upright ?? false;
  const overwrite = opts.overwrite ?? false;
  if (!['csv', 'jsonl', 'coco', 'folder'].includes(format)) {
    throw new AppError('invalid-argument', `export format "${format}" is not one of csv, jsonl, coco, folder`);
  }
  if (upright && format !== 'folder') {
    throw new AppError('invalid-argument', '--upright rotates image copies, so it needs --format folder');
  }
  const all = await collectExportRecords(store);
  if (all.length === 0) throw new AppError('not-enough-labels', 'no image is labeled yet; nothing to export');
  // a file replaced under the same name must not carry the old file's label
  const changed = all
    .filter((r) => r.changed)
    .map((r) => ({
      path: r.exportPath,
      reason: `the file ${r.absPath} no longer has the content that was labeled (its SHA-256 changed); label it again, or import its folder again`,
    }));
  const records = all.filter((r) => !r.changed);
  if (records.length === 0)
    throw new AppError('not-enough-labels', `no labeled image still has the content that was labeled (${changed.length} changed files); nothing to export`);
  const metaFor = (count: number) => buildExportMeta({ format, projectPath: store.path, count, upright, settings: store.settings });

  if (format !== 'folder') {
    const written: WrittenRecord[] = records.map((r) => ({ ...r, exportAngle: r.angle }));
    const meta = metaFor(written.length);
    const side = format === 'coco' ? null : sidecarPath(out, format);
    const text = format === 'csv' ? formatCsv(meta, written) : format === 'jsonl' ? formatJsonl(meta, written) : formatCoco(meta, written);
    const outputs: OutputFile[] = [];
    if (side !== null) outputs.push({ path: side, data: JSON.stringify(meta, null, 2) + '\n', what: `the ${format} export's metadata sidecar` });
    outputs.push({ path: out, data: text, what: `the ${format} export` });
    // checked and written as one: a refused or failed write leaves neither file behind
    writeOutputs(outputs, exportGuard(store, overwrite));
    return { format, out, count: written.length, files: outputs.map((o) => o.path), meta: side, skipped: changed };
  }

  checkOutputFolder(store, out);
  checkEmptyDir(out);
  const plan = await planCopies(records, upright);
  let bytes = 0;
  for (const p of plan.plans) bytes += fs.statSync(p.record.absPath, { throwIfNoEntry: false })?.size ?? 0;
  const { written, skipped } = await writeOutputDir(out, exportGuard(store, false), 'a folder export', bytes, async (stage) => {
    const copies = await writeCopies(plan.plans, [...changed, ...plan.skipped], path.join(stage, 'images'), upright);
    const meta = metaFor(copies.written.length);
    const manifest = {
      ...meta,
      images: 'images/',
      labels: 'labels.csv',
      files: copies.written.map((w) => ({ path: `images/${w.exportPath}`, width: w.width, height: w.height, angle: w.exportAngle, original_angle: w.angle })),
      skipped: copies.skipped,
    };
    writeNewFile(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeNewFile(path.join(stage, 'labels.csv'), formatCsv(meta, copies.written));
    return copies;
  });
  const manifestPath = path.join(out, 'manifest.json');
  const labelsPath = path.join(out, 'labels.csv');
  return { format, out, count: written.length, files: [manifestPath, labelsPath, path.join(out, 'images')], meta: manifestPath, skipped };
}
