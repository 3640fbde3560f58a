/**
 * Bad input: label imports (CSV) and embedding imports (.npy, CSV)
 * through the real CLI. Wrong columns, wrong dtype or shape, NaN, unknown
 * images and duplicate rows are refused with the file and the line, row or
 * field named (messages asserted exactly), and nothing is partly applied: the
 * label count and the active embedding set are exactly what they were.
 * The refused imports run as concurrent CLI processes (they only read), and
 * the project is compared before and after all of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeEmbeddings,
  cliEnv,
  cliOk,
  copyDemoImages,
  countRows,
  currentLabels,
  integrityCheck,
  peek,
  runCliAsync,
  runLimited,
  tempRoot,
  type CliResult,
} from './fault-helpers.js';

let root: string;
let env: Record<string, string>;
let project: string;
let images: { id: number; rel: string }[];
const N = 60;
const DIM = 3;

interface Case {
  readonly name: string;
  readonly kind: 'labels' | 'embeddings';
  readonly file: string;
  readonly message: string;
}
let cases: Case[] = [];
const outcome = new Map<string, CliResult>();
let before: {
  labels: Map<number, number | null>;
  labelRows: number;
  embeddings: ReturnType<typeof activeEmbeddings>;
  sets: number;
};

/** A .npy file written here from the format spec (NEP 1), independent of src/main/io/npy.ts. */
function npy(descr: string, shape: readonly number[], data: Buffer, opts: { fortran?: boolean } = {}): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.from(dict + ' '.repeat(total - 10 - dict.length - 1) + '\n', 'latin1');
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, header, data]);
}

function f32(values: readonly number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

/** Row i of a well-formed embedding matrix. */
const row = (i: number): number[] => [Math.cos(i), Math.sin(i), (i % 7) / 7];

function write(name: string, content: string | Buffer): string {
  const f = path.join(root, name);
  fs.writeFileSync(f, content);
  return f;
}

beforeAll(async () => {
  root = tempRoot('nl-bad-imports-');
  env = cliEnv(root);
  const folder = path.join(root, 'images');
  expect(copyDemoImages(folder, 6)).toBe(N);
  project = path.join(root, 'p.nlproj');
  cliOk(['init', project, '--input-size', '16', '--latent-dim', '8', '--test-fraction', '0'], env);
  cliOk(['import', project, folder], env);
  images = peek(project, (db) => db.prepare('SELECT id, rel_path AS rel FROM images ORDER BY id').all() as { id: number; rel: string }[]);
  expect(images).toHaveLength(N);
  // a state to keep: two labels and an imported embedding set
  const ok = write('good-labels.csv', `path,angle\n${images[0]!.rel},10\n${images[1]!.rel},20\n`);
  expect(cliOk(['labels', 'import', project, ok], env)).toBe(`imported 2 labels from ${ok}\n`);
  const emb = write('good.csv', `path,e0,e1,e2\n${images.map((img, i) => `${img.rel},${row(i).join(',')}`).join('\n')}\n`);
  expect(cliOk(['embed', project, '--from', emb], env)).toBe(`imported ${N} embeddings from ${emb}\n`);

  before = {
    labels: currentLabels(project),
    labelRows: countRows(project, 'labels'),
    embeddings: activeEmbeddings(project),
    sets: countRows(project, 'embedding_sets'),
  };
  expect(before.labels.size).toBe(2);
  expect(before.embeddings).toMatchObject({ modelId: null, rows: N });
  cases = [...labelCases(), ...embeddingCases()];
  const results = await runLimited(
    cases.map((c) => () => runCliAsync(c.kind === 'labels' ? ['labels', 'import', project, c.file] : ['embed', project, '--from', c.file], env)),
    3,
  );
  cases.forEach((c, i) => outcome.set(c.name, results[i]!));
}, 600_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Bad label CSVs: each must be refused with exactly this message. */
function labelCases(): Case[] {
  const c = (name: string, content: string, message: (f: string) => string): Case => {
    const file = write(`l-${name.replace(/\W+/g, '-')}.csv`, content);
    return { name, kind: 'labels', file, message: message(file) };
  };
  const [a, b, d] = [images[2]!, images[3]!, images[4]!];
  const out = [
    c(
      'no key column',
      `file,degrees\n${a.rel},30\n`,
      (f) => `${f} line 1: no key column; name one column path (relative to the imported folder), sha256 or id (found: file, degrees); nothing was imported`,
    ),
    c(
      'no angle column',
      `path,angel\n${a.rel},30\n`,
      (f) => `${f} line 1: no column named angle (degrees clockwise from image up); found: path, angel; nothing was imported`,
    ),
    c(
      'a field too many',
      `path,angle\n${a.rel},30\n${b.rel},40\n${d.rel},50,extra\n`,
      (f) => `${f} line 4: 3 fields, but the header (line 1) has 2 columns (path, angle; fields separated by commas, as in the header)`,
    ),
    c(
      'unknown path',
      `path,angle\n${a.rel},30\nbag/not-here.png,40\n`,
      (f) => `${f} line 3: no image with path "bag/not-here.png" (relative to an imported folder) in this project; nothing was imported`,
    ),
    c('unknown id', `id,angle\n${a.id},30\n9999,40\n`, (f) => `${f} line 3: no image with id 9999 in this project; nothing was imported`),
    c(
      'duplicate rows',
      `path,angle\n${a.rel},30\n${b.rel},40\n${a.rel},30\n`,
      (f) => `${f} lines 2 and 4 both label image ${a.rel}; keep one row per image; nothing was imported`,
    ),
    c('empty file', '', (f) => `${f} is empty; it needs a header line with column names`),
  ];
  for (const bad of ['ninety', 'NaN', 'Infinity']) {
    out.push(
      c(
        `angle ${bad}`,
        `path,angle\n${a.rel},30\n${b.rel},40\n${d.rel},${bad}\n`,
        (f) =>
          `${f} line 4, column angle: "${bad}" is not a number of degrees; give a decimal number such as 0, 90 or 237.5 (clockwise from image up), or "none"; nothing was imported`,
      ),
    );
  }
  return out;
}

/** Bad embedding files: each must be refused with exactly this message. */
function embeddingCases(): Case[] {
  const c = (name: string, ext: 'npy' | 'csv', content: string | Buffer, message: (f: string) => string, sidecar?: string): Case => {
    const file = write(`e-${name.replace(/\W+/g, '-')}.${ext}`, content);
    if (sidecar !== undefined) fs.writeFileSync(`${file}.keys.csv`, sidecar);
    return { name, kind: 'embeddings', file, message: message(file) };
  };
  const all = images.flatMap((_, i) => row(i));
  const withNan = [...all];
  withNan[7 * DIM + 2] = Number.NaN;
  const keys = images.map((img) => img.rel);
  keys[5] = 'bag/not-here.png';
  const lines = images.map((img, i) => `${img.rel},${row(i).join(',')}`);
  const nanLines = [...lines];
  nanLines[3] = `${images[3]!.rel},0.5,NaN,0.25`;
  return [
    c(
      'npy int32',
      'npy',
      npy('<i4', [N, DIM], Buffer.alloc(N * DIM * 4)),
      (f) => `${f}: found dtype '<i4', shape (${N}, ${DIM}); need little-endian float32 ('<f4') or float64 ('<f8'): save with arr.astype('<f4')`,
    ),
    c('npy 1-D', 'npy', npy('<f4', [N * DIM], f32(all)), (f) => `${f}: found dtype '<f4', shape (${N * DIM},); need a 2-D matrix N x d (one row per image)`),
    c(
      'npy rows',
      'npy',
      npy('<f4', [N - 1, DIM], f32(all.slice(0, (N - 1) * DIM))),
      (f) =>
        `${f}: has ${N - 1} rows but the project's pool has ${N} images; rows map to the pool images in image-id order, or give a sidecar ${path.basename(f)}.keys.csv with a path or sha256 column naming each row's image`,
    ),
    c(
      'npy truncated',
      'npy',
      npy('<f4', [N, DIM], f32(all).subarray(0, N * DIM * 4 - 4)),
      (f) =>
        `${f}: found dtype '<f4', shape (${N}, ${DIM}): expected ${N * DIM * 4} data bytes (${N} x ${DIM} x 4) but the file has ${N * DIM * 4 - 4}; it is truncated or not a plain .npy`,
    ),
    c('npy NaN', 'npy', npy('<f4', [N, DIM], f32(withNan)), (f) => `${f}: row 7 (0-based), column 2 is NaN; every value must be a finite number`),
    c(
      'npy sidecar unknown image',
      'npy',
      npy('<f4', [N, DIM], f32(all)),
      (f) =>
        `${f}: row 5 (${path.basename(f)}.keys.csv line 7): no image with path "bag/not-here.png" (relative to an imported folder) in this project; nothing was imported`,
      `path\n${keys.join('\n')}\n`,
    ),
    c(
      'csv no key column',
      'csv',
      `name,e0,e1,e2\n${lines.join('\n')}\n`,
      (f) => `${f}: line 1: an embeddings CSV needs exactly one key column named path, sha256 or id; found none in header (name, e0, e1, e2)`,
    ),
    c(
      'csv NaN',
      'csv',
      `path,e0,e1,e2\n${nanLines.join('\n')}\n`,
      (f) => `${f}: line 5, column e1: "NaN" is not a finite number; every embedding value must be a decimal number`,
    ),
    c(
      'csv unknown image',
      'csv',
      `path,e0,e1,e2\n${[...lines, 'coat/nope.png,1,2,3'].join('\n')}\n`,
      (f) => `${f}: line ${N + 2}: no image with path "coat/nope.png" (relative to an imported folder) in this project; nothing was imported`,
    ),
    c(
      'csv duplicate rows',
      'csv',
      `path,e0,e1,e2\n${[...lines, `${images[9]!.rel},1,2,3`].join('\n')}\n`,
      (f) => `${f}: line 11 and line ${N + 2} both give an embedding for image ${images[9]!.rel} (id ${images[9]!.id}); keep one row per image`,
    ),
    c(
      'csv missing image',
      'csv',
      `path,e0,e1,e2\n${lines.slice(1).join('\n')}\n`,
      (f) => `${f}: no embedding for 1 of the ${N} pool images (e.g. ${images[0]!.rel}); give one row for every image of the project`,
    ),
  ];
}

function expectRefused(kind: Case['kind']): void {
  const mine = cases.filter((c) => c.kind === kind);
  expect(mine.length).toBeGreaterThan(0);
  for (const c of mine) {
    const r = outcome.get(c.name)!;
    // embed prints progress on stderr before the error; labels import prints only the error
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect({ case: c.name, errors, stdout: r.stdout, code: r.code }).toEqual({ case: c.name, errors: [`error: ${c.message}`], stdout: '', code: 1 });
    if (kind === 'labels') expect(r.stderr, c.name).toBe(`error: ${c.message}\n`);
  }
}

describe('refused whole, naming the line or field', () => {
  it('label CSVs: wrong columns, a wrong field count, non-numbers and NaN, unknown images, duplicate rows, an empty file', () => {
    expectRefused('labels');
  });

  it('embedding files: wrong dtype or shape, truncated, NaN, unknown images, duplicate rows, missing images, wrong columns', () => {
    expectRefused('embeddings');
  });

  it('nothing was partly applied: the labels and the active embeddings are exactly as before', () => {
    expect(countRows(project, 'labels')).toBe(before.labelRows);
    expect(currentLabels(project)).toEqual(before.labels);
    expect(activeEmbeddings(project)).toEqual(before.embeddings);
    expect(countRows(project, 'embedding_sets')).toBe(before.sets);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('a good file still imports afterwards, value for value', () => {
    const values = images.flatMap((_, i) => row(i).map((v) => v * 2));
    const f = write('e-good.npy', npy('<f4', [N, DIM], f32(values)));
    expect(cliOk(['embed', project, '--from', f], env)).toBe(`imported ${N} embeddings from ${f}\n`);
    const after = activeEmbeddings(project)!;
    expect(after.setId).toBeGreaterThan(before.embeddings!.setId);
    const stored = peek(project, (db) => db.prepare('SELECT vector FROM embeddings WHERE set_id = ? ORDER BY image_id').pluck().all(after.setId) as Buffer[]);
    expect(stored.map((b) => Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))))).toEqual(
      images.map((_, i) => Array.from(Float32Array.from(row(i).map((v) => v * 2)))),
    );
  });
});
