/**
 * 2-D principal component projection of embeddings, for the latent map
 * (the PCA plane of Philipsen & Moeslund's Fig. 1).
 *
 * Method: center the columns, form the d x d sample covariance in float64,
 * diagonalise it with the cyclic Jacobi eigenvalue algorithm (Golub & Van
 * Loan, "Matrix Computations", 4th ed., Alg. 8.5.3; exact to rounding for a
 * symmetric matrix), take the eigenvectors of the two largest eigenvalues.
 *
 * Sign convention (eigenvectors are defined up to sign): each component is
 * flipped so that its entry of largest absolute value is positive (on a tie,
 * the first such entry). The same data therefore always gives the same plane.
 */
import { AppError } from '../../shared/errors.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** Largest dimension decomposed by the Jacobi method. */
const JACOBI_MAX_DIM = 64;

export interface Pca2d {
  /** n x 2, row-major: coordinates on the first and second principal axes. */
  readonly projection: Float32Array;
  /** Share of the total variance along each axis, in [0, 1]. */
  readonly explained: [number, number];
  /** The two unit axes, each of length d (component 1 then component 2). */
  readonly components: [Float64Array, Float64Array];
  /** Column means that were subtracted. */
  readonly mean: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric d x d matrix (row-major, float64) by
 * cyclic Jacobi rotations. Returns eigenvalues and eigenvectors (columns of
 * `vectors`, row-major d x d) in the order the algorithm leaves them (unsorted).
 */
export function jacobiEigenSymmetric(a: Float64Array, d: number, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += m[p * d + p]! * m[p * d + p]!;
      for (let q = p + 1; q < d; q++) off += m[p * d + q]! * m[p * d + q]!;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        // Rotation angle zeroing m[p][q] (Golub & Van Loan 8.5.2, symmetric Schur).
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p]!;
          const mkq = m[k * d + q]!;
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k]!;
          const mqk = m[q * d + k]!;
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i]!;
  return { values, vectors: v };
}

/** Principal axes of the rows `rows` (every row when omitted) of an n x d matrix, largest variance first. */
interface PrincipalAxes {
  readonly mean: Float64Array;
  /** Total variance (sum of the covariance's eigenvalues, negatives from rounding counted as 0). */
  readonly total: number;
  /** The axis of rank `rank` (0 = largest variance) with its variance; a zero axis past d. */
  axis(rank: number): { vec: Float64Array; value: number };
}

function principalAxes(data: Float32Array, n: number, d: number, rows: readonly number[] | null, who: string): PrincipalAxes {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) {
    throw new AppError('invalid-argument', `${who}: need n >= 1 points of dimension d >= 1, got n = ${n}, d = ${d}`);
  }
  if (data.length !== n * d) throw new AppError('invalid-argument', `${who}: expected ${n} x ${d} = ${n * d} values, got ${data.length}`);
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(data[i]!))
      throw new AppError('invalid-argument', `${who}: value at row ${Math.floor(i / d)}, column ${i % d} is ${data[i]}; embeddings must be finite`);
  }
  const fit = rows ?? Array.from({ length: n }, (_, i) => i);
  const m = fit.length;
  const mean = new Float64Array(d);
  for (const i of fit) for (let j = 0; j < d; j++) mean[j] = mean[j]! + data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / m;
  // Covariance (upper triangle accumulated, then mirrored), divisor m - 1 (or 1 when m = 1).
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (const i of fit) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let p = 0; p < d; p++) {
      const rp = row[p]!;
      if (rp === 0) continue;
      const base = p * d;
      for (let q = p; q < d; q++) cov[base + q] = cov[base + q]! + rp * row[q]!;
    }
  }
  const div = Math.max(1, m - 1);
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const c = cov[p * d + q]! / div;
      cov[p * d + q] = c;
      cov[q * d + p] = c;
    }
  }
  // Jacobi for the small matrices it has always served (the latent map's exact planes); Householder + QL beyond,
  // where Jacobi's repeated O(d^3) sweeps would take seconds to minutes (polar Fourier descriptors: d = 284 or 852).
  const { values, vectors } = d <= JACOBI_MAX_DIM ? jacobiEigenSymmetric(cov, d) : symmetricEigen(cov, d);
  const order = Array.from({ length: d }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  let total = 0;
  for (let i = 0; i < d; i++) total += Math.max(0, values[i]!);
  const axis = (rank: number): { vec: Float64Array; value: number } => {
    const vec = new Float64Array(d);
    if (rank >= d) return { vec, value: 0 };
    const col = order[rank]!;
    let best = 0;
    for (let k = 0; k < d; k++) {
      vec[k] = vectors[k * d + col]!;
      if (Math.abs(vec[k]!) > Math.abs(vec[best]!)) best = k;
    }
    if (vec[best]! < 0) for (let k = 0; k < d; k++) vec[k] = -vec[k]!;
    return { vec, value: Math.max(0, values[col]!) };
  };
  return { mean, total, axis };
}

/** Rows minus `mean`, on each of `axes` (n x axes.length, float32). */
function projectRows(data: Float32Array, n: number, d: number, mean: Float64Array, axes: readonly Float64Array[]): Float32Array {
  const k = axes.length;
  const out = new Float32Array(n * k);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) c[j] = data[i * d + j]! - mean[j]!;
    for (let r = 0; r < k; r++) {
      const v = axes[r]!;
      let x = 0;
      for (let j = 0; j < d; j++) x += c[j]! * v[j]!;
      out[i * k + r] = x;
    }
  }
  return out;
}

/**
 * Project n points of dimension d onto their first k principal components,
 * the axes fitted on at most `maxFitRows` evenly spaced rows (all rows when
 * n <= maxFitRows) and applied to every row.
 * @returns projection n x k (float32) and the share of the fitted rows' variance the k axes keep.
 */
export function pcaProject(
  data: Float32Array,
  n: number,
  d: number,
  k: number,
  maxFitRows = Infinity,
): { projection: Float32Array; explained: number; components: Float64Array[]; mean: Float64Array } {
  if (!Number.isInteger(k) || k < 1 || k > d) throw new AppError('invalid-argument', `pcaProject: need 1 <= k <= d = ${d}, got k = ${k}`);
  const rows =
    n > maxFitRows ? Array.from({ length: Math.max(1, Math.floor(maxFitRows)) }, (_, j) => Math.floor((j * n) / Math.max(1, Math.floor(maxFitRows)))) : null;
  const ax = principalAxes(data, n, d, rows, 'pcaProject');
  const axes = Array.from({ length: k }, (_, r) => ax.axis(r));
  const projection = projectRows(
    data,
    n,
    d,
    ax.mean,
    axes.map((x) => x.vec),
  );
  const kept = axes.reduce((t, a) => t + a.value, 0);
  return { projection, explained: ax.total > 0 ? kept / ax.total : 0, components: axes.map((a) => a.vec), mean: ax.mean };
}

/**
 * Project n points of dimension d onto their first two principal components.
 *
 * @param data Float32Array n x d, row-major.
 * @returns projection n x 2 (float32), explained variance ratios, the axes and the mean.
 *   With d = 1 the second axis is zero; with zero total variance every
 *   coordinate and ratio is 0.
 * @throws AppError('invalid-argument') when the sizes do not match or n < 1, d < 1,
 *   or a value is not finite.
 */
export function pca2d(data: Float32Array, n: number, d: number): Pca2d {
  const { mean, total, axis } = principalAxes(data, n, d, null, 'pca2d');
  const a1 = axis(0);
  const a2 = axis(1);
  const projection = total > 0 ? projectRows(data, n, d, mean, [a1.vec, a2.vec]) : new Float32Array(n * 2);
  const explained: [number, number] = total > 0 ? [a1.value / total, a2.value / total] : [0, 0];
  return { projection, explained, components: [a1.vec, a2.vec], mean };
}
