/**
 * Read embeddings made elsewhere (docs/architecture.md, pipeline stage 2, "import
 * embeddings") and match their rows to the project's pool images.
 *
 * Accepted files:
 * - `.npy`: float32 (or float64, converted) N x d, C order (see npy.ts).
 *   Row i belongs to the i-th pool image in image-id order
 *   (store.listPoolImages(): ready, not exact duplicates), and N must equal the
 *   pool size. A sidecar `<file>.keys.csv` (e.g. `emb.npy.keys.csv`) with a
 *   column `path`, `sha256` or `id` and exactly N data rows names each row's
 *   image instead.
 * - `.csv`: a header with exactly one key column (`path` relative to the
 *   imported folder or absolute, `sha256`, or `id`) and d >= 1 other columns,
 *   all numeric, one row per image.
 *
 * Validation (everything is checked before anything is returned; this module
 * never writes: the caller stores the result with store.saveEmbeddings):
 * wrong columns, non-numeric/NaN/infinite values, wrong dtype or shape, rows of
 * unknown images, two rows for one image, and pool images without a row are
 * refused with AppError('invalid-file'), naming the file and its line (CSV) or
 * row (npy). Rows of images outside the pool (exact duplicates, unreadable or
 * missing files) are ignored and listed in `skipped`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { parseCsvTable, parseStrictNumber, readCsvTable, type CsvTable } from '../io/csv-table.js';
import { ImageKeyIndex, KEY_COLUMNS, pickKeyColumn, type KeyKind } from './image-keys.js';
import { readNpy } from '../io/npy.js';

export interface ImportedEmbeddings {
  /** Pool image ids in increasing order; row i of `data` belongs to ids[i]. */
  readonly ids: ImageId[];
  readonly dim: number;
  /** Row-major ids.length x dim. */
  readonly data: Float32Array;
  /** Rows that named an image outside the pool, ignored. */
  readonly skipped: readonly { readonly where: string; readonly imageId: ImageId; readonly reason: string }[];
}

interface KeyedRow {
  readonly where: string; // "line 7" or "row 3"
  readonly kind: KeyKind;
  readonly key: string;
}

const fail = (file: string, msg: string): never => {
  throw new AppError('invalid-file', `${file}: ${msg}`);
};

/**
 * Match keyed rows to pool images: refuses unknown keys, duplicate images and
 * pool images with no row. Returns for each input row the target pool image id
 * or null (skipped).
 */
function matchRows(index: ImageKeyIndex, file: string, keyed: readonly KeyedRow[]): { targets: (ImageId | null)[]; skipped: ImportedEmbeddings['skipped'] } {
  const pool = new Set(index.pool().map((i) => i.id));
  const byImage = new Map<ImageId, string>();
  const targets: (ImageId | null)[] = [];
  const skipped: { where: string; imageId: ImageId; reason: string }[] = [];
  const unknown: string[] = [];
  for (const r of keyed) {
    const res = index.resolve(r.kind, r.key);
    if (!res.ok) {
      unknown.push(`${r.where}: ${res.reason}`);
      targets.push(null);
      continue;
    }
    const img = res.image;
    if (!pool.has(img.id)) {
      const reason =
        img.duplicateOf !== null
          ? `exact duplicate of image ${img.duplicateOf}`
          : img.status === 'ready'
            ? 'not in the pool'
            : `image is ${img.status}${img.error ? ` (${img.error})` : ''}`;
      skipped.push({ where: r.where, imageId: img.id, reason });
      targets.push(null);
      continue;
    }
    const prev = byImage.get(img.id);
    if (prev) fail(file, `${prev} and ${r.where} both give an embedding for image ${img.relPath} (id ${img.id}); keep one row per image`);
    byImage.set(img.id, r.where);
    targets.push(img.id);
  }
  if (unknown.length > 0) {
    fail(file, `${unknown[0]}${unknown.length > 1 ? ` (and ${unknown.length - 1} more rows with unknown images)` : ''}; nothing was imported`);
  }
  const missing = [...pool].filter((id) => !byImage.has(id));
  if (missing.length > 0) {
    const names = missing.slice(0, 3).map((id) => index.get(id)?.relPath ?? String(id));
    fail(file, `no embedding for ${missing.length} of the ${pool.size} pool images (e.g. ${names.join(', ')}); give one row for every image of the project`);
  }
  return { targets, skipped };
}

/** Assemble the matched rows into an id-ordered matrix. */
function assemble(
  targets: readonly (ImageId | null)[],
  dim: number,
  rowData: (row: number) => ArrayLike<number>,
  skipped: ImportedEmbeddings['skipped'],
): ImportedEmbeddings {
  const order = targets
    .map((id, row) => ({ id, row }))
    .filter((t): t is { id: ImageId; row: number } => t.id !== null)
    .sort((a, b) => a.id - b.id);
  const data = new Float32Array(order.length * dim);
  order.forEach((t, i) => data.set(rowData(t.row), i * dim));
  return { ids: order.map((t) => t.id), dim, data, skipped };
}

function keyColumnOf(table: CsvTable, what: string): { kind: KeyKind; index: number } {
  const keys = table.header.filter((h) => (KEY_COLUMNS as readonly string[]).includes(h));
  if (keys.length !== 1) {
    fail(
      table.file,
      `line ${table.headerLine}: ${what} needs exactly one key column named path, sha256 or id; found ${keys.length === 0 ? 'none' : keys.join(' and ')} in header (${table.header.join(', ')})`,
    );
  }
  return pickKeyColumn(table.header)!;
}

function readNpyEmbeddings(store: ProjectStore, file: string): ImportedEmbeddings {
  const m = readNpy(file);
  const index = new ImageKeyIndex(store);
  const sidecar = `${file}.keys.csv`;
  let keyed: KeyedRow[];
  if (fs.existsSync(sidecar)) {
    const t = readCsvTable(sidecar);
    const key = keyColumnOf(t, 'a keys sidecar');
    if (t.rows.length !== m.rows) {
      fail(sidecar, `has ${t.rows.length} rows but ${path.basename(file)} has ${m.rows}; give one key per row of the matrix, in the same order`);
    }
    keyed = t.rows.map((r, i) => ({ where: `row ${i} (${path.basename(sidecar)} line ${r.line})`, kind: key.kind, key: r.cells[key.index]! }));
  } else {
    const pool = index.pool();
    if (m.rows !== pool.length) {
      fail(
        file,
        `has ${m.rows} rows but the project's pool has ${pool.length} images; rows map to the pool images in image-id order, or give a sidecar ${path.basename(sidecar)} with a path or sha256 column naming each row's image`,
      );
    }
    keyed = pool.map((img, i) => ({ where: `row ${i}`, kind: 'id' as const, key: String(img.id) }));
  }
  const { targets, skipped } = matchRows(index, file, keyed);
  return assemble(targets, m.cols, (row) => m.data.subarray(row * m.cols, (row + 1) * m.cols), skipped);
}

function readCsvEmbeddings(store: ProjectStore, table: CsvTable): ImportedEmbeddings {
  const file = table.file;
  const key = keyColumnOf(table, 'an embeddings CSV');
  const unnamed = table.header.indexOf('');
  if (unnamed >= 0) {
    fail(file, `line ${table.headerLine}: column ${unnamed + 1} has no name (a pandas index? save with index=False); name every embedding column`);
  }
  const dim = table.header.length - 1;
  if (dim < 1) fail(file, `line ${table.headerLine}: no embedding columns after the key column ${key.kind}`);
  if (table.rows.length === 0) fail(file, 'has a header but no rows');
  const values = new Float32Array(table.rows.length * dim);
  table.rows.forEach((r, i) => {
    let d = 0;
    r.cells.forEach((cell, c) => {
      if (c === key.index) return;
      const v = parseStrictNumber(cell);
      const f = v === null ? NaN : Math.fround(v);
      if (!Number.isFinite(f)) {
        fail(file, `line ${r.line}, column ${table.header[c]}: "${cell}" is not a finite number; every embedding value must be a decimal number`);
      }
      values[i * dim + d++] = f;
    });
  });
  const keyed = table.rows.map((r) => ({ where: `line ${r.line}`, kind: key.kind, key: r.cells[key.index]! }));
  const { targets, skipped } = matchRows(new ImageKeyIndex(store), file, keyed);
  return assemble(targets, dim, (row) => values.subarray(row * dim, (row + 1) * dim), skipped);
}

/**
 * Read and validate an embeddings file (.npy or .csv) against the project.
 * @returns ids (increasing), dim and the row-major ids.length x dim matrix.
 * @throws AppError('invalid-file') naming the file and line/row at fault;
 *   AppError('not-found') when the file cannot be read; AppError('invalid-argument')
 *   for another extension.
 */
export function readEmbeddingsFile(store: ProjectStore, file: string): ImportedEmbeddings {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') return readNpyEmbeddings(store, file);
  if (ext === '.csv') return readCsvEmbeddings(store, readCsvTable(file));
  throw new AppError('invalid-argument', `${file}: embeddings must be a .npy (float32 N x d) or .csv (key column + numeric columns) file`);
}

/** As readEmbeddingsFile for CSV text already in memory (name used in messages). */
export function parseEmbeddingsCsv(store: ProjectStore, text: string, name: string): ImportedEmbeddings {
  return readCsvEmbeddings(store, parseCsvTable(text, name));
}
