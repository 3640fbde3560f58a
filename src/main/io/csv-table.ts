/**
 * Read a CSV file into a header and rows that remember their line numbers, for
 * importers that must name the line at fault. Parsing is d3-dsv's RFC 4180
 * parser (quoted fields, embedded commas, quotes and newlines).
 *
 * - A UTF-8 byte-order mark is dropped.
 * - Lines starting with '#' before the header are comments (Novelty Labeler's
 *   CSV export writes its angle convention there) and are skipped.
 * - Blank lines are skipped. Header names are trimmed and lower-cased.
 * - Line numbers are 1-based physical lines of the file, counting comment
 *   lines and newlines inside quoted fields.
 */
import fs from 'node:fs';
import { csvParseRows } from 'd3';
import { AppError } from '../../shared/errors.js';

export interface CsvRow {
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly file: string;
  /** Trimmed, lower-cased column names. */
  readonly header: readonly string[];
  /** Line of the header. */
  readonly headerLine: number;
  readonly rows: readonly CsvRow[];
}

/**
 * Parse CSV text (see the module doc).
 * @throws AppError('invalid-file') naming `file` when there is no header, a
 *   column name repeats, or a row has a different number of fields than the header.
 */
export function parseCsvTable(text: string, file: string): CsvTable {
  let body = text.startsWith('\ufeff') ? text.slice(1) : text;
  let line = 1;
  // leading comment lines
  for (;;) {
    if (!body.startsWith('#')) break;
    const nl = body.indexOf('\n');
    if (nl < 0) {
      body = '';
      break;
    }
    body = body.slice(nl + 1);
    line++;
  }
  const records = csvParseRows(body);
  const rows: CsvRow[] = [];
  let header: string[] | null = null;
  let headerLine = 0;
  for (const rec of records) {
    const start = line;
    line += 1;
    for (const cell of rec) for (let k = cell.indexOf('\n'); k >= 0; k = cell.indexOf('\n', k + 1)) line++;
    if (rec.length === 1 && rec[0]!.trim() === '') continue; // blank line
    if (!header) {
      header = rec.map((h) => h.trim().toLowerCase());
      headerLine = start;
      const seen = new Set<string>();
      for (const h of header) {
        if (seen.has(h)) throw new AppError('invalid-file', `${file} line ${start}: column "${h}" appears twice in the header`);
        seen.add(h);
      }
      continue;
    }
    if (rec.length !== header.length) {
      throw new AppError(
        'invalid-file',
        `${file} line ${start}: ${rec.length} fields, but the header (line ${headerLine}) has ${header.length} columns (${header.join(', ')})`,
      );
    }
    rows.push({ line: start, cells: rec });
  }
  if (!header) throw new AppError('invalid-file', `${file} is empty; it needs a header line with column names`);
  return { file, header, headerLine, rows };
}

/**
 * Read and parse a CSV file (UTF-8).
 * @throws AppError('not-found') when unreadable; AppError('invalid-file') as parseCsvTable.
 */
export function readCsvTable(file: string): CsvTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('not-found', `${file} cannot be read (${(e as Error).message})`);
  }
  return parseCsvTable(text, file);
}

/**
 * Strict decimal number: optional sign, digits with optional fraction, optional
 * exponent. Refuses '', 'NaN', 'inf', '0x10', '1,5', '90deg'. Returns null when not a number.
 */
export function parseStrictNumber(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
