/**
 * The metadata every export carries: the angle convention and the project's
 * settings (DESIGN.md "angle", issue 2 "Exports say the angle convention").
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
  readonly settings: ProjectSettings;
}

export function angleConvention(axial: boolean): AngleConvention {
  const period = periodOf(axial);
  return {
    unit: 'degrees',
    direction: 'clockwise',
    zero: 'image up',
    axial,
    range: [0, period],
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
    settings: input.settings,
  };
}
