/**
 * The metadata every export carries: the angle convention and the project's
 * settings (docs/architecture.md, "angle").
 * CSV and JSONL exports write it to a sidecar JSON file (sidecarPath in
 * export-labels.ts) and repeat the short convention (AngleConvention.short)
 * in an `angle_convention` column/key of every record; COCO puts it in
 * "info", a folder export in manifest.json.
 */
import path from 'node:path';
import type { ExportFormat, ProjectSettings } from '../../shared/types.js';
import { periodOf } from '../../shared/angle.js';

export interface AngleConvention {
  readonly unit: 'degrees';
  readonly direction: 'clockwise';
  readonly zero: 'image up';
  readonly axial: boolean;
  /** [0, period): period 360, or 180 when axial. */
  readonly range: readonly [number, number];
  /**
   * One-line form written in every CSV row / JSONL record (`angle_convention`):
   * "degrees clockwise from image up, [0, 360)", or for an axial project
   * "degrees clockwise from image up, axial, [0, 180)".
   */
  readonly short: string;
  /** The convention in full sentences. */
  readonly text: string;
  readonly noOrientation: string;
}

export interface ExportMeta {
  readonly tool: 'novelty-labeler';
  readonly format: ExportFormat;
  readonly exportedAt: string;
  readonly project: string;
  readonly count: number;
  readonly angle: AngleConvention;
  readonly size: string;
  readonly upright: boolean;
  readonly uprightNote: string | null;
  /** CSV and folder exports: how text cells were protected against spreadsheet formulas (csv-formula.ts); null otherwise. */
  readonly csvFormulaNote: string | null;
  readonly settings: ProjectSettings;
}

/** How a CSV export states its formula neutralisation (csv-formula.ts). */
export const FORMULA_NOTE =
  "text cells starting with = + - @ (or tab, CR) are prefixed with a single quote ' so spreadsheets do not run them as formulas; drop that quote to get the value";

/**
 * The angle convention of a project (docs/architecture.md, "angle"): degrees, clockwise
 * from image up, range [0, 360), or [0, 180) when `axial`.
 */
export function angleConvention(axial: boolean): AngleConvention {
  const period = periodOf(axial);
  return {
    unit: 'degrees',
    direction: 'clockwise',
    zero: 'image up',
    axial,
    range: [0, period],
    short: `degrees clockwise from image up, ${axial ? 'axial, ' : ''}[0, ${period})`,
    text:
      `angle in degrees, clockwise from image up, of the direction the object's front points, in the displayed ` +
      `(EXIF-corrected) image; range [0, ${period})` +
      (axial ? '; axial project: objects have no front, an angle a and a + 180 are the same' : '') +
      '; 0 = up, 90 = right, 180 = down, 270 = left; never radians',
    noOrientation: 'a label "no orientation / not applicable" has angle null (JSON) or empty (CSV) and no_orientation true',
  };
}

export const UPRIGHT_NOTE =
  'images were rotated counter-clockwise by their labeled angle so the front points up: the angle of every upright copy is 0 ' +
  '(original_angle keeps the label); corners uncovered by the rotation are black; copies labeled "no orientation" are not rotated';

/**
 * The metadata of one export: tool, format, export time (ISO 8601 UTC),
 * project file name, record count, angle convention, size note, upright
 * note (folder --upright only), CSV formula note (csv and folder) and the
 * project's settings.
 */
export function buildExportMeta(input: {
  readonly format: ExportFormat;
  readonly projectPath: string;
  readonly count: number;
  readonly upright: boolean;
  readonly settings: ProjectSettings;
}): ExportMeta {
  return {
    tool: 'novelty-labeler',
    format: input.format,
    exportedAt: new Date().toISOString(),
    project: path.basename(input.projectPath),
    count: input.count,
    angle: angleConvention(input.settings.axial),
    size: 'width and height are the displayed size in px (EXIF orientation applied)',
    upright: input.upright,
    uprightNote: input.upright ? UPRIGHT_NOTE : null,
    csvFormulaNote: input.format === 'csv' || input.format === 'folder' ? FORMULA_NOTE : null,
    settings: input.settings,
  };
}
