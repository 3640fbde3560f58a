/**
 * Read orientation labels from a CSV file (`labels import`), validated against
 * the project, all or nothing.
 *
 * Columns (header names are case-insensitive; other columns are ignored, so a
 * file written by the CSV export reads back):
 * - key: `path` (relative to the imported folder, or absolute; the export's
 *   folder-prefixed form in multi-folder projects) and/or `sha256`, else `id`.
 *   With both columns the sha256 is preferred: a row with both must name the
 *   same file (the image at the path has that sha256; with an ambiguous path,
 *   one of its candidates does), else it is refused; a row with one of them
 *   empty uses the other. A path alone that names several images (see
 *   image-keys.ts) is refused as ambiguous, naming the candidates. A path
 *   naming an exact duplicate file labels the image it duplicates (same
 *   pixels); a row for a file and one for its exact duplicate with the same
 *   label count once (different labels are refused).
 * Fields are separated by commas, semicolons or tabs (detected from the header,
 * see csv-table.ts); in semicolon- and tab-separated files an angle may use a
 * decimal comma (`img.jpg;12,5`), as spreadsheets in many locales write it.
 *
 * - `angle`: degrees clockwise from image up (docs/architecture.md), any finite decimal,
 *   wrapped into [0, 360) or [0, 180) when the project is axial (store.settings.axial).
 *   The text `none` (any case) means "no orientation / not applicable".
 * - optional `none` or `no_orientation`: 1/true/yes/y/x marks "no orientation"
 *   (then `angle` must be empty or `none`); 0/false/no/n or empty does not.
 *   An empty angle is allowed only on such a row.
 *
 * Refused with AppError('invalid-file') naming the file and line: a missing key
 * or angle column, a non-numeric angle, a conflicting or unreadable none flag,
 * an unknown or unreadable image, two rows for the same image. Nothing is
 * returned unless every row is valid; the caller stores with store.addLabels
 * (one transaction).
 */
import { AppError } from '../../shared/errors.js';
import { periodOf, wrapDegrees } from '../../shared/angle.js';
import type { ImageId, ImageRecord, LabelValue } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { parseCsvTable, parseStrictNumber, readCsvTable, type CsvTable } from '../io/csv-table.js';
import { ImageKeyIndex, pickKeyColumn, type KeyKind } from './image-keys.js';

export interface ImportedLabel {
  readonly imageId: ImageId;
  readonly value: LabelValue;
  /** Line of the CSV file the label came from. */
  readonly line: number;
}

const sameValue = (a: LabelValue, b: LabelValue): boolean => a.kind === b.kind && (a.kind === 'none' || (b.kind === 'angle' && a.angle === b.angle));

const TRUE_FLAGS = new Set(['1', 'true', 'yes', 'y', 'x']);
const FALSE_FLAGS = new Set(['', '0', 'false', 'no', 'n']);

function labelsFromTable(store: ProjectStore, t: CsvTable, opts: LabelsCsvOptions = {}): ImportedLabel[] {
  const file = t.file;
  const fail = (msg: string): never => {
    throw new AppError('invalid-file', `${file} ${msg}; nothing was imported`);
  };
  const key = pickKeyColumn(t.header);
  if (!key)
    return fail(`line ${t.headerLine}: no key column; name one column path (relative to the imported folder), sha256 or id (found: ${t.header.join(', ')})`);
  const pathIndex = t.header.indexOf('path');
  const shaIndex = t.header.indexOf('sha256');
  const angleIndex = t.header.indexOf('angle');
  if (angleIndex < 0) fail(`line ${t.headerLine}: no column named angle (degrees clockwise from image up); found: ${t.header.join(', ')}`);
  const noneCols = ['none', 'no_orientation'].filter((c) => t.header.includes(c));
  if (noneCols.length > 1) fail(`line ${t.headerLine}: give one of the columns none and no_orientation, not both`);
  const noneIndex = noneCols.length ? t.header.indexOf(noneCols[0]!) : -1;
  const period = periodOf(store.settings.axial);
  const index = new ImageKeyIndex(store);

  const out: ImportedLabel[] = [];
  const seen = new Map<ImageId, { line: number; value: LabelValue; viaDuplicate: boolean }>();
  for (const r of t.rows) {
    if (opts.skipUnknownImages) {
      const probe = index.resolve(key.kind, r.cells[key.index]!);
      if (!probe.ok && probe.unknown) continue; // a ground-truth file may cover more images than the project holds
    }
    const angleText = r.cells[angleIndex]!.trim();
    let none = false;
    if (noneIndex >= 0) {
      const flag = r.cells[noneIndex]!.trim().toLowerCase();
      if (TRUE_FLAGS.has(flag)) none = true;
      else if (!FALSE_FLAGS.has(flag)) fail(`line ${r.line}, column ${noneCols[0]}: "${r.cells[noneIndex]}" is not 1/0, true/false or yes/no`);
    }
    let value: LabelValue;
    if (angleText.toLowerCase() === 'none') {
      value = { kind: 'none' };
    } else if (angleText === '') {
      if (!none) fail(`line ${r.line}: the angle is empty; give degrees clockwise from image up, or "none" for no orientation`);
      value = { kind: 'none' };
    } else {
      const v = parseStrictNumber(angleText, { decimalComma: t.decimalComma });
      if (v === null) {
        const comma =
          !t.decimalComma && /^[+-]?\d*,\d+$/.test(angleText) ? ' (a decimal comma: write 237.5, or separate the fields with ";" to use 237,5)' : '';
        return fail(
          `line ${r.line}, column angle: "${r.cells[angleIndex]}" is not a number of degrees${comma}; give a decimal number such as 0, 90 or 237.5 (clockwise from image up), or "none"`,
        );
      }
      if (none) fail(`line ${r.line}: angle ${angleText} given but ${noneCols[0]} says no orientation; give one or the other`);
      value = { kind: 'angle', angle: wrapDegrees(v, period) };
    }

    const named = resolveRow(index, key, pathIndex, shaIndex, r.cells, (msg) => fail(`line ${r.line}: ${msg}`));
    // the image store.addLabel will put this label on (an exact duplicate's original)
    const img = store.labelTarget(named, (id) => index.get(id));
    const viaDuplicate = img.id !== named.id;
    if (img.status === 'unreadable')
      return fail(`line ${r.line}: image ${img.relPath} is unreadable (${img.error ?? 'no reason recorded'}) and cannot be labeled; remove the row`);
    const prev = seen.get(img.id);
    if (prev) {
      // a file and its exact duplicate (same pixels) with the same label: one label for the content
      if ((prev.viaDuplicate || viaDuplicate) && sameValue(prev.value, value)) continue;
      return fail(
        `lines ${prev.line} and ${r.line} both label image ${img.relPath}${prev.viaDuplicate || viaDuplicate ? ' (one names an exact duplicate file of it)' : ''}; keep one row per image`,
      );
    }
    seen.set(img.id, { line: r.line, value, viaDuplicate });
    out.push({ imageId: img.id, value, line: r.line });
  }
  return out;
}

/**
 * The image a row names: by sha256 and path when the header has both (they
 * must agree; see the module doc), else by the single key column.
 */
function resolveRow(
  index: ImageKeyIndex,
  key: { kind: KeyKind; index: number },
  pathIndex: number,
  shaIndex: number,
  cells: readonly string[],
  fail: (msg: string) => never,
): ImageRecord {
  const pathText = pathIndex >= 0 ? cells[pathIndex]!.trim() : '';
  const shaText = shaIndex >= 0 ? cells[shaIndex]!.trim() : '';
  if (pathIndex >= 0 && shaIndex >= 0 && (pathText !== '' || shaText !== '')) {
    if (shaText === '') {
      const res = index.resolve('path', pathText);
      return res.ok ? res.image : fail(res.reason);
    }
    const bySha = index.resolve('sha256', shaText);
    if (!bySha.ok) return fail(bySha.reason);
    if (pathText === '') return bySha.image;
    const sha = ImageKeyIndex.parseSha(shaText)!;
    const { shown, candidates } = index.resolvePath(pathText);
    if (candidates.length === 0) {
      return fail(
        `no image with path "${shown}" in this project (its sha256 ${sha} names ${index.exportPath(bySha.image)}); correct the path, or empty it to key the row by sha256 alone`,
      );
    }
    const agreeing = candidates.find((c) => c.sha256 === sha);
    if (!agreeing) {
      const which = candidates.map((c) => `"${index.exportPath(c)}" (sha256 ${c.sha256 ?? 'unknown'})`).join(', ');
      return fail(`path "${shown}" is ${which}, but the row's sha256 is ${sha}: the path and the sha256 do not name the same image; correct one of them`);
    }
    return agreeing;
  }
  const res = index.resolve(key.kind, cells[key.index]!);
  return res.ok ? res.image : fail(res.reason);
}

/**
 * Read and validate a labels CSV against the project (see the module doc).
 * @returns one label per row, in file order.
 * @throws AppError('invalid-file') naming the file and line; AppError('not-found') when unreadable.
 */
export function readLabelsCsv(store: ProjectStore, file: string, opts: LabelsCsvOptions = {}): ImportedLabel[] {
  return labelsFromTable(store, readCsvTable(file), opts);
}

export interface LabelsCsvOptions {
  /** Leave out rows naming images the project does not have (ground truth for a larger data set) instead of refusing the file. */
  readonly skipUnknownImages?: boolean;
}

/** As readLabelsCsv for CSV text already in memory (name used in messages). */
export function parseLabelsCsv(store: ProjectStore, text: string, name: string): ImportedLabel[] {
  return labelsFromTable(store, parseCsvTable(text, name));
}
