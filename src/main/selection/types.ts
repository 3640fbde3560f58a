/**
 * Shared shapes of the selection core (src/main/selection): embeddings as a
 * row-major Float32Array of n rows x d columns, labeled rows that seed every
 * strategy, and the order each strategy returns.
 */
import { AppError } from '../../shared/errors.js';

/** The strategies that produce an order ('interleaved' is built from two of them). */
export type SelectionStrategy = 'fps' | 'random' | 'typiclust' | 'probcover' | 'guarded-fps' | 'fps-medoid';

export const SELECTION_STRATEGIES: readonly SelectionStrategy[] = ['fps', 'random', 'typiclust', 'probcover', 'guarded-fps', 'fps-medoid'];

/** Options common to every strategy. */
export interface SelectionOptions {
  /** Row indices of already-labeled images; they seed the strategy and never appear in the order. Default none. */
  readonly labeled?: ArrayLike<number>;
  /** Seed of every random choice (first pick without labels, k-means++ init, shuffles). Default 0. */
  readonly seed?: number;
  /** How many rows to order; default all unlabeled rows (n - |labeled|). */
  readonly k?: number;
}

/** Embeddings plus the common options. */
export interface SelectionInput extends SelectionOptions {
  /** n*d floats, row-major: row i is data[i*d .. i*d+d). */
  readonly data: Float32Array;
  readonly n: number;
  readonly d: number;
}

export interface SelectionResult {
  /** Row indices in queue order; labeled rows excluded; length k. */
  readonly order: Int32Array;
  /**
   * Per entry of `order`: Euclidean latent distance to the nearest earlier pick
   * or labeled row (Infinity for a first pick with nothing before it). null for 'random'.
   */
  readonly coverageRadius: Float64Array | null;
}

/** Result of a strategy that always records coverage radii (all but 'random'). */
export interface RadiusResult {
  readonly order: Int32Array;
  readonly coverageRadius: Float64Array;
}

/** Validated, normalised form of the inputs. */
export interface CheckedInput {
  readonly data: Float32Array;
  readonly n: number;
  readonly d: number;
  /** Labeled rows, unique, in the order given. */
  readonly labeled: Int32Array;
  /** isLabeled[i] = 1 when row i is labeled. */
  readonly isLabeled: Uint8Array;
  readonly seed: number;
  /** Number of rows to order, in [0, n - |labeled|]. */
  readonly k: number;
}

function bad(message: string): AppError {
  return new AppError('invalid-argument', message);
}

/**
 * Validates embeddings and options. Throws AppError('invalid-argument') naming
 * the field: n/d not non-negative integers, data.length != n*d, a non-finite
 * value in data, a labeled index out of range / not an integer / repeated,
 * k not an integer in [0, n - |labeled|], seed not a finite number.
 */
export function checkInput(data: Float32Array, n: number, d: number, opts: SelectionOptions = {}, what = 'embeddings'): CheckedInput {
  if (!(data instanceof Float32Array)) throw bad(`${what}: data must be a Float32Array (row-major n x d)`);
  if (!Number.isInteger(n) || n < 0) throw bad(`${what}: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(d) || d < 1) throw bad(`${what}: d must be a positive integer, got ${d}`);
  if (data.length !== n * d) throw bad(`${what}: data has ${data.length} floats but n*d = ${n}*${d} = ${n * d}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw bad(`${what}: row ${Math.floor(i / d)} column ${i % d} is ${data[i]}; every embedding value must be finite (re-run embed)`);
    }
  }
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw bad(`seed must be a finite number, got ${seed}`);
  const src = opts.labeled ?? [];
  const isLabeled = new Uint8Array(n);
  const labeled = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= n) throw bad(`labeled[${i}] = ${v} is not a row index in [0, ${n})`);
    if (isLabeled[v]) throw bad(`labeled[${i}] = ${v} is repeated; each labeled row must appear once`);
    isLabeled[v] = 1;
    labeled[i] = v;
  }
  const free = n - labeled.length;
  const k = opts.k ?? free;
  if (!Number.isInteger(k) || k < 0 || k > free) {
    throw bad(`k = ${k} must be an integer in [0, ${free}] (the number of unlabeled rows)`);
  }
  return { data, n, d, labeled, isLabeled, seed, k };
}

/** Squared Euclidean distance of rows a and b: sequential float64 sum over columns 0..d-1. */
export function sqDist(data: Float32Array, d: number, a: number, b: number): number {
  const oa = a * d;
  const ob = b * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = data[oa + j]! - data[ob + j]!;
    s += t * t;
  }
  return s;
}
