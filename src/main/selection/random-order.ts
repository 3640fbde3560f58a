/**
 * Random order: the baseline of the paper's Fig. 2 (Philipsen & Moeslund,
 * arXiv 2003.14043) - a seeded uniform shuffle of the unlabeled rows.
 */
import { seededShuffle } from '../../shared/random.js';
import { AppError } from '../../shared/errors.js';
import type { SelectionOptions } from './types.js';

/**
 * Seeded uniform shuffle (Fisher-Yates with mulberry32, `seededShuffle`) of the
 * unlabeled rows 0..n-1 in ascending order, truncated to k.
 *
 * @param n number of rows
 * @param opts labeled rows (excluded), seed (default 0), k (default all unlabeled)
 * @returns Int32Array of row indices, length k
 * @throws AppError('invalid-argument') on a bad n, labeled index or k
 */
export function randomOrder(n: number, opts: SelectionOptions = {}): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new AppError('invalid-argument', `n must be a non-negative integer, got ${n}`);
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new AppError('invalid-argument', `seed must be a finite number, got ${seed}`);
  const isLabeled = new Uint8Array(n);
  const labeled = opts.labeled ?? [];
  for (let i = 0; i < labeled.length; i++) {
    const v = labeled[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new AppError('invalid-argument', `labeled[${i}] = ${v} is not a row index in [0, ${n})`);
    if (isLabeled[v]) throw new AppError('invalid-argument', `labeled[${i}] = ${v} is repeated; each labeled row must appear once`);
    isLabeled[v] = 1;
  }
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (!isLabeled[i]) free.push(i);
  const k = opts.k ?? free.length;
  if (!Number.isInteger(k) || k < 0 || k > free.length) {
    throw new AppError('invalid-argument', `k = ${k} must be an integer in [0, ${free.length}] (the number of unlabeled rows)`);
  }
  return Int32Array.from(seededShuffle(free, seed).slice(0, k));
}
