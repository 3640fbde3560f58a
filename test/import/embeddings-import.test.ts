import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmbeddingsCsv, readEmbeddingsFile } from '../../src/main/import/embeddings-import.js';
import { writeNpy } from '../../src/main/io/npy.js';
import { makeProject, tmpDir } from '../io/make-project.js';

/** A project of 4 pool images (+ one exact duplicate and one unreadable file, not in the pool). */
function project() {
  const dir = tmpDir();
  const folder = path.join(dir, 'imgs');
  const p = makeProject(
    [
      { folder, relPath: 'a.png', bytes: new Uint8Array([1]) },
      { folder, relPath: 'sub/b.png', bytes: new Uint8Array([2]) },
      { folder, relPath: 'c.png', bytes: new Uint8Array([3]) },
      { folder, relPath: 'd.png', bytes: new Uint8Array([4]) },
      { folder, relPath: 'a-copy.png', bytes: new Uint8Array([1]) },
      { folder, relPath: 'bad.png', bytes: new Uint8Array([9]), status: 'unreadable', error: 'corrupt' },
    ],
    {},
    dir,
  );
  return { ...p, folder, pool: p.ids.slice(0, 4) };
}

/** Row i of the reference matrix: [10 i, 10 i + 1, 10 i + 2]. */
const rowOf = (i: number): number[] => [10 * i, 10 * i + 1, 10 * i + 2];

describe('readEmbeddingsFile', () => {
  it('maps .npy rows to pool images in image-id order', () => {
    const { store, dir, pool } = project();
    expect(store.listPoolImages().map((i) => i.id)).toEqual(pool);
    const file = path.join(dir, 'e.npy');
    writeNpy(file, { rows: 4, cols: 3, data: Float32Array.from([0, 1, 2, 3].flatMap(rowOf)) });
    const r = readEmbeddingsFile(store, file);
    expect(r.ids).toEqual(pool);
    expect(r.dim).toBe(3);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3].flatMap(rowOf));
  });

  it('refuses a .npy whose row count differs from the pool, saying how rows map', () => {
    const { store, dir } = project();
    const file = path.join(dir, 'e.npy');
    writeNpy(file, { rows: 6, cols: 3, data: new Float32Array(18) });
    expect(() => readEmbeddingsFile(store, file)).toThrow(/e\.npy: has 6 rows but the project's pool has 4 images.*image-id order.*e\.npy\.keys\.csv/);
  });

  it('uses a <file>.keys.csv sidecar to name each row (any order), skipping rows of non-pool images', () => {
    const { store, dir, pool, sha } = project();
    const file = path.join(dir, 'e.npy');
    // rows: d, a-copy (duplicate -> skipped), b, a, c
    writeNpy(file, { rows: 5, cols: 3, data: Float32Array.from([3, 9, 1, 0, 2].flatMap(rowOf)) });
    fs.writeFileSync(`${file}.keys.csv`, `path\nd.png\na-copy.png\nsub/b.png\n${path.join(dir, 'imgs', 'a.png')}\nc.png\n`);
    const r = readEmbeddingsFile(store, file);
    expect(r.ids).toEqual(pool);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3].flatMap(rowOf));
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.reason).toMatch(/exact duplicate/);
    fs.writeFileSync(`${file}.keys.csv`, `sha256\n${sha[3]}\n${sha[1]}\n${sha[0]}\n${sha[2]}\n`);
    expect(() => readEmbeddingsFile(store, file)).toThrow(/keys\.csv: has 4 rows but e\.npy has 5/);
  });

  it('reads a CSV with a key column and numeric columns', () => {
    const { store, pool, sha } = project();
    const text = `e0,e1,sha256,e2\n${[2, 0, 3, 1].map((i) => `${rowOf(i)[0]},${rowOf(i)[1]},${sha[i]},${rowOf(i)[2]}`).join('\n')}\n`;
    const r = parseEmbeddingsCsv(store, text, 'emb.csv');
    expect(r.ids).toEqual(pool);
    expect(r.dim).toBe(3);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3].flatMap(rowOf));
  });

  it.each([
    ['path,x,y\na.png,1,2\nsub/b.png,NaN,2\nc.png,1,2\nd.png,1,2\n', /emb\.csv: line 3, column x: "NaN" is not a finite number/],
    ['path,x,y\na.png,1,2\nsub/b.png,1,\nc.png,1,2\nd.png,1,2\n', /line 3, column y: "" is not a finite number/],
    ['path,x,y\na.png,1,2\nsub/b.png,1,1e999\nc.png,1,2\nd.png,1,2\n', /line 3, column y: "1e999"/],
    ['path,x,y\na.png,1,2\nsub/b.png,1,2\nzzz.png,1,2\nd.png,1,2\nc.png,1,2\n', /line 4: no image with path "zzz\.png".*nothing was imported/],
    ['path,x,y\na.png,1,2\nsub/b.png,1,2\nc.png,1,2\nd.png,1,2\nc.png,3,4\n', /line 4 and line 6 both give an embedding for image c\.png/],
    ['path,x,y\na.png,1,2\nsub/b.png,1,2\nc.png,1,2\n', /no embedding for 1 of the 4 pool images \(e\.g\. d\.png\)/],
    ['path,sha256,x\na.png,00,1\n', /line 1: an embeddings CSV needs exactly one key column.*path and sha256/],
    ['name,x\na.png,1\n', /line 1: an embeddings CSV needs exactly one key column.*found none/],
    ['path\na.png\n', /no embedding columns/],
    [',path,x\n0,a.png,1\n', /line 1: column 1 has no name \(a pandas index\?/],
    ['path,x\na.png,1,2\n', /line 2: 3 fields/],
  ])('refuses CSV %j naming the line', (text, re) => {
    const { store } = project();
    expect(() => parseEmbeddingsCsv(store, text, 'emb.csv')).toThrow(re);
  });

  it('refuses other file types', () => {
    const { store } = project();
    expect(() => readEmbeddingsFile(store, 'x.npz')).toThrow(/\.npy .* or \.csv/);
  });
});
