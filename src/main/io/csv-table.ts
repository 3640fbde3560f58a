/**
 * Read a CSV file into a header and rows that remember their line numbers, for
 * importers that must name the line at fault. Parsing is d3-dsv's RFC 4180
 * parser (quoted fields, embedded commas, quotes and newlines).
 *
 * - Delimiter: comma, semicolon or tab, whichever occurs most often (outside
 *   quotes) in the header line; a comma on a tie or when none occurs.
 *   Spreadsheets in locales with a decimal comma write `img.jpg;12,5`:
 *   `decimalComma` is set for semicolon- and tab-separated files so importers
 *   can read such numbers (parseStrictNumber's option).
 *
 * - Encoding (readCsvTable): UTF-8, with or without a byte-order mark (dropped);
 *   UTF-16 LE or BE with a byte-order mark (as Excel's "Unicode text" saves)
 *   is decoded. UTF-32, UTF-16 without a byte-order mark (NUL bytes) and
 *   invalid UTF-8 (e.g. Latin-1) are refused with "save it as UTF-8".
 * - Lines starting with '#' before the header are comments (older Novelty
 *   Labeler CSV exports wrote their angle convention there) and are skipped.
 * - Blank lines are skipped. Header names are trimmed and lower-cased.
 * - Line numbers are 1-based physical lines of the file, counting comment
 *   lines and newlines inside quoted fields.
 */
import fs from 'node:fs';
import { dsvFormat } from 'd3';
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
  /** The field separator found in the header line. */
  readonly delimiter: CsvDelimiter;
  /** Whether numbers may use a decimal comma (the delimiter is not a comma). */
  readonly decimalComma: boolean;
}

export type CsvDelimiter = ',' | ';' | '\t';
const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** The delimiter of the first non-blank line: the most frequent of , ; and tab outside double quotes (comma on a tie). */
export function detectDelimiter(text: string): CsvDelimiter {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const count: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) count[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (count[d] > count[best]) best = d;
  return best;
}

/**
 * Parse CSV text (see the module doc).
 * @throws AppError('invalid-file') naming `file` when there is no header, a
 *   column name repeats, or a row has a different number of fields than the header.
 */
export function parseCsvTable(text: string, file: string): CsvTable {
  let body = text.startsWith('\ufeff') ? text.slice(1) : text;
  // UTF-16 bytes decoded as UTF-8: the byte-order mark became two replacement characters, and ASCII letters are followed by NULs
  if (body.startsWith('\ufffd\ufffd') || body.includes('\u0000')) {
    throw new AppError(
      'invalid-file',
      `${file} looks like UTF-16 text read as UTF-8 (it has NUL characters); save it as UTF-8 (CSV UTF-8 in Excel) and try again`,
    );
  }
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
  const delimiter = detectDelimiter(body);
  const records = dsvFormat(delimiter).parseRows(body);
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
        `${file} line ${start}: ${rec.length} fields, but the header (line ${headerLine}) has ${header.length} columns (${header.join(', ')}; ` +
          `fields separated by ${DELIMITER_NAMES[delimiter]}s, as in the header)`,
      );
    }
    rows.push({ line: start, cells: rec });
  }
  if (!header) throw new AppError('invalid-file', `${file} is empty; it needs a header line with column names`);
  return { file, header, headerLine, rows, delimiter, decimalComma: delimiter !== ',' };
}

/**
 * Decode the bytes of a CSV file (see the module doc for the encodings).
 * @throws AppError('invalid-file') naming `file` for UTF-32, BOM-less UTF-16 and invalid UTF-8.
 */
export function decodeCsvBytes(bytes: Uint8Array, file: string): string {
  const saveAs = 'save it as UTF-8 (in Excel: "CSV UTF-8") and try again';
  const b = bytes;
  if ((b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)) {
    throw new AppError('invalid-file', `${file} is UTF-32 text, which is not read; ${saveAs}`);
  }
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b.includes(0)) {
    throw new AppError('invalid-file', `${file} has NUL bytes: it is not UTF-8 text (UTF-16 without a byte-order mark?); ${saveAs}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    // locate the first undecodable byte for the message
    const loose = new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
    const at = loose.indexOf('\ufffd');
    const line = at < 0 ? 1 : loose.slice(0, at).split('\n').length;
    throw new AppError('invalid-file', `${file} line ${line}: not valid UTF-8 text (Latin-1 or another legacy encoding?); ${saveAs}`);
  }
}

/**
 * Read and parse a CSV file (encodings: see the module doc).
 * @throws AppError('not-found') when unreadable; AppError('invalid-file') as decodeCsvBytes and parseCsvTable.
 */
export function readCsvTable(file: string): CsvTable {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new AppError('not-found', `${file} cannot be read (${(e as Error).message})`);
  }
  return parseCsvTable(decodeCsvBytes(bytes, file), file);
}

/**
 * Strict decimal number: optional sign, digits with optional fraction, optional
 * exponent. Refuses '', 'NaN', 'inf', '0x10', '1,5', '90deg'. Returns null when not a number.
 * With `decimalComma`, one comma may stand for the decimal point ('12,5' = 12.5; '1.234,5' is still refused).
 */
export function parseStrictNumber(text: string, opts: { decimalComma?: boolean } = {}): number | null {
  let t = text.trim();
  if (opts.decimalComma && /^[+-]?\d*,\d+([eE][+-]?\d+)?$/.test(t)) t = t.replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
