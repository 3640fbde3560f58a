/**
 * Text encodings of an export: CSV, JSONL and COCO-style JSON. Each states the
 * angle convention and the project's settings (ExportMeta).
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

export const CSV_COLUMNS = ['path', 'sha256', 'width', 'height', 'angle', 'no_orientation', 'split', 'annotator', 'labeled_at', 'source'] as const;

const num = (v: number | null): string => (v === null ? '' : String(v));

/** How the CSV header comment states the formula neutralisation. */
export const FORMULA_NOTE =
  "text cells starting with = + - @ (or tab, CR) are prefixed with a single quote ' so spreadsheets do not run them as formulas; drop that quote to get the value";

/**
 * CSV: one '#' comment line with the convention and the settings (JSON), then
 * a header (CSV_COLUMNS, plus original_angle for upright copies) and one row
 * per image. "No orientation" rows have an empty angle and no_orientation 1.
 * Text cells (path, annotator, ...) that start with = + - @, tab or CR get a
 * leading ' so spreadsheets do not run them as formulas (OWASP CSV injection
 * guidance; csv-formula.ts); the comment line says so, and the labels import
 * reads such paths back. Numbers are written as they are.
 * Read it with pandas.read_csv(f, comment='#') or the labels import.
 */
export function formatCsv(meta: ExportMeta, records: readonly WrittenRecord[]): string {
  const comment =
    `# novelty-labeler labels: ${meta.angle.text}; ${meta.angle.noOrientation}; ${meta.size}` +
    (meta.upright ? `; upright copies: ${meta.uprightNote}` : '') +
    `; ${FORMULA_NOTE}` +
    `; settings ${JSON.stringify(meta.settings)}`;
  const header: string[] = [...CSV_COLUMNS];
  if (meta.upright) header.push('original_angle');
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
    return row;
  });
  return `${comment.replace(/[\r\n]+/g, ' ')}\n${csvFormatRows([header, ...rows])}\n`;
}

function jsonRecord(r: WrittenRecord, upright: boolean): Record<string, unknown> {
  return {
    path: r.exportPath,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    angle: r.exportAngle,
    no_orientation: r.angle === null,
    ...(upright ? { original_angle: r.angle } : {}),
    split: r.split,
    annotator: r.annotator,
    labeled_at: r.labeledAt,
    source: r.source,
  };
}

/** JSONL: a first line {"novelty_labeler_export": meta}, then one JSON object per image. */
export function formatJsonl(meta: ExportMeta, records: readonly WrittenRecord[]): string {
  const lines = [JSON.stringify({ novelty_labeler_export: meta }), ...records.map((r) => JSON.stringify(jsonRecord(r, meta.upright)))];
  return lines.join('\n') + '\n';
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
