/**
 * Text encodings of an export: CSV, JSONL and COCO-style JSON.
 *
 * CSV and JSONL are plain files that standard readers load without options
 * (pandas.read_csv, Python's csv.DictReader, d3-dsv csvParse; one JSON object
 * per line for JSONL): every record carries the short angle convention in
 * `angle_convention`, and the full metadata (convention, settings, export
 * time, counts) goes to a sidecar JSON file written by export-labels.ts.
 * COCO-style JSON states the convention and the settings in "info".
 */
import { csvFormatRows } from 'd3';
import { csvSafeCell } from '../io/csv-formula.js';
import type { ExportMeta } from './export-meta.js';
import type { ExportRecord } from './export-records.js';

/** A record as written, with the upright copy's angle when rotated. */
export interface WrittenRecord extends ExportRecord {
  /** Angle as exported: the label, or 0 for an upright copy (null: no orientation). */
  readonly exportAngle: number | null;
}

/** CSV columns of every export, in order; an upright folder export adds original_angle before angle_convention. */
export const CSV_COLUMNS = ['path', 'sha256', 'width', 'height', 'angle', 'no_orientation', 'split', 'annotator', 'labeled_at', 'source'] as const;

/** Column / JSON key holding ExportMeta.angle.short in every record. */
export const CONVENTION_COLUMN = 'angle_convention';

const num = (v: number | null): string => (v === null ? '' : String(v));

/**
 * The CSV header of an export: CSV_COLUMNS, original_angle when `upright`,
 * then angle_convention.
 */
export function csvHeader(upright: boolean): string[] {
  return [...CSV_COLUMNS, ...(upright ? ['original_angle'] : []), CONVENTION_COLUMN];
}

/**
 * CSV (RFC 4180, written by d3-dsv csvFormatRows, so cells with commas,
 * quotes or newlines are quoted): the first line is the header (csvHeader),
 * then one row per image; no comment or metadata lines, so
 * pandas.read_csv(f), csv.DictReader and d3 csvParse read it as it is.
 * - angle: degrees clockwise from image up in [0, period), the exported angle
 *   (0 for an upright copy, whose label is in original_angle); empty with
 *   no_orientation 1 for "no orientation".
 * - angle_convention: meta.angle.short, the same in every row, e.g.
 *   "degrees clockwise from image up, [0, 360)".
 * - width, height: displayed (EXIF-corrected) size in px.
 * Text cells (path, annotator, ...) that start with = + - @, tab or CR get a
 * leading ' so spreadsheets do not run them as formulas (OWASP CSV injection
 * guidance; csv-formula.ts); meta.csvFormulaNote says so, and the labels
 * import reads such paths back. Numbers are written as they are.
 * The settings and the full convention are in the sidecar (export-labels.ts).
 */
export function formatCsv(meta: ExportMeta, records: readonly WrittenRecord[]): string {
  const convention = csvSafeCell(meta.angle.short);
  const rows = records.map((r) => {
    const row = [
      csvSafeCell(r.exportPath),
      csvSafeCell(r.sha256 ?? ''),
      num(r.width),
      num(r.height),
      num(r.exportAngle),
      r.angle === null ? '1' : '0',
      csvSafeCell(r.split),
      csvSafeCell(r.annotator),
      csvSafeCell(r.labeledAt),
      csvSafeCell(r.source),
    ];
    if (meta.upright) row.push(num(r.angle));
    row.push(convention);
    return row;
  });
  return `${csvFormatRows([csvHeader(meta.upright), ...rows])}\n`;
}

/** The JSONL record of one image (every record has the same keys; see formatJsonl). */
function jsonRecord(r: WrittenRecord, meta: ExportMeta): Record<string, unknown> {
  return {
    path: r.exportPath,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    angle: r.exportAngle,
    no_orientation: r.angle === null,
    ...(meta.upright ? { original_angle: r.angle } : {}),
    split: r.split,
    annotator: r.annotator,
    labeled_at: r.labeledAt,
    source: r.source,
    [CONVENTION_COLUMN]: meta.angle.short,
  };
}

/**
 * JSONL: one JSON object per line, one line per image, every object with the
 * same keys: path, sha256 (string or null), width, height (px or null),
 * angle (degrees clockwise from image up in [0, period), or null for "no
 * orientation"), no_orientation (boolean), split ('train' | 'test'),
 * annotator, labeled_at (ISO time), source, angle_convention
 * (meta.angle.short). No metadata line: the settings are in the sidecar
 * (export-labels.ts). Values are written as they are (no formula quoting).
 */
export function formatJsonl(meta: ExportMeta, records: readonly WrittenRecord[]): string {
  return records.map((r) => JSON.stringify(jsonRecord(r, meta)) + '\n').join('');
}

/**
 * COCO-style JSON (Lin et al. 2014, cocodataset.org/#format-data): info (with the
 * angle convention and the settings), licenses, one category "object", images
 * (id, file_name, width, height) and one whole-image annotation per image
 * (bbox [0, 0, width, height], angle in degrees or null, no_orientation).
 */
export function formatCoco(meta: ExportMeta, records: readonly WrittenRecord[]): string {
  const coco = {
    info: {
      description: 'Novelty Labeler orientation labels',
      version: '1.0',
      date_created: meta.exportedAt,
      contributor: 'novelty-labeler',
      angle_convention: meta.angle.text,
      angle_unit: meta.angle.unit,
      angle_direction: meta.angle.direction,
      angle_zero: meta.angle.zero,
      angle_range: meta.angle.range,
      axial: meta.angle.axial,
      no_orientation: meta.angle.noOrientation,
      size: meta.size,
      upright: meta.upright,
      upright_note: meta.uprightNote,
      settings: meta.settings,
      novelty_labeler_export: meta,
    },
    licenses: [],
    categories: [{ id: 1, name: 'object', supercategory: 'object' }],
    images: records.map((r) => ({ id: r.imageId, file_name: r.exportPath, width: r.width, height: r.height, sha256: r.sha256 })),
    annotations: records.map((r, i) => ({
      id: i + 1,
      image_id: r.imageId,
      category_id: 1,
      bbox: [0, 0, r.width ?? 0, r.height ?? 0],
      area: (r.width ?? 0) * (r.height ?? 0),
      iscrowd: 0,
      angle: r.exportAngle,
      no_orientation: r.angle === null,
      ...(meta.upright ? { original_angle: r.angle } : {}),
      split: r.split,
      annotator: r.annotator,
      labeled_at: r.labeledAt,
    })),
  };
  return JSON.stringify(coco, null, 1) + '\n';
}
