/**
 * Furthest point sampling to the medoid ('fps-medoid'): furthest point
 * sampling finds the next uncovered region, but the label goes to that
 * region's most typical member rather than to its extreme point. Plain
 * furthest point sampling labels the most extreme image of each new region
 * first (the most shifted, noisiest copy of an object, or an outlier), a poor
 * exemplar for its neighbours; TypiClust (Hacohen et al., ICML 2022) labels
 * typical points but spreads by clusters fixed in advance. Rules (exact,
 * deterministic; the seed does not matter):
 *
 * - N_K(x): the K nearest other rows of x (default K = 10; ties: lower row index).
 * - D(x): squared distance from x to the nearest labeled row or earlier pick.
 * - Start without labels: the row with the smallest distance to its K-th
 *   neighbour (the densest; ties lowest index).
 * - Each later step:
 *   1. f = the unpicked row with the largest D (ties lowest index): the centre
 *      of the largest uncovered region, as in furthest point sampling;
 *   2. its region R(f) = f and the unpicked rows y of N_K(f) that are nearer
 *      to f than to every labeled row and earlier pick (|y - f|^2 < D(y));
 *   3. the pick is the medoid of R(f): the member with the least sum of
 *      Euclidean distances to the other members (ties lowest index).
 * coverageRadius[t] = sqrt(D) of the pick.
 * Cost O(n^2 d) for the neighbours, then O(n d + K^2 d) per pick.
 */
import { AppError } from '../../shared/errors.js';
import { checkInput, sqDist, type RadiusResult, type SelectionInput } from './types.js';
import { knn } from './knn.js';
import { CoverageTracker } from './coverage-radius.js';

export interface FpsMedoidOptions {
  /** K: neighbours that make up a region (default 10). */
  readonly neighbours?: number;
}

/**
 * Furthest-point-to-medoid order of the unlabeled rows (see file comment).
 * @returns order (length k) and coverageRadius
 * @throws AppError('invalid-argument') on malformed input or options
 */
export function fpsMedoid(input: SelectionInput & FpsMedoidOptions): RadiusResult {
  const c = checkInput(input.data, input.n, input.d, input);
  const { data, n, d, k, labeled } = c;
  const neighbours = input.neighbours ?? 10;
  if (!Number.isInteger(neighbours) || neighbours < 1)
    throw new AppError('invalid-argument', `fps-medoid: neighbours must be an integer >= 1, got ${neighbours}`);
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  if (k === 0) return { order, coverageRadius };
  const K = Math.min(neighbours, n - 1);
  const nn = knn(data, n, d, K);
  const taken = new Uint8Array(n);
  const cov = new CoverageTracker(data, n, d);
  for (const l of labeled) {
    taken[l] = 1;
    cov.add(l);
  }
  const region: number[] = [];
  for (let t = 0; t < k; t++) {
    let pick = -1;
    if (cov.size === 0) {
      let best = Infinity;
      for (let x = 0; x < n; x++) {
        const r = K > 0 ? nn.dist[x * K + K - 1]! : 0;
        if (r < best) {
          best = r;
          pick = x;
        }
      }
    } else {
      let f = -1;
      let best = -1;
      for (let x = 0; x < n; x++)
        if (!taken[x] && cov.key(x) > best) {
          best = cov.key(x);
          f = x;
        }
      region.length = 0;
      region.push(f);
      for (let q = 0; q < K; q++) {
        const y = nn.index[f * K + q]!;
        if (!taken[y] && sqDist(data, d, y, f) < cov.key(y)) region.push(y);
      }
      region.sort((a, b) => a - b);
      let bestSum = Infinity;
      for (const a of region) {
        let s = 0;
        for (const b of region) if (a !== b) s += Math.sqrt(sqDist(data, d, a, b));
        if (s < bestSum) {
          bestSum = s;
          pick = a;
        }
      }
    }
    order[t] = pick;
    coverageRadius[t] = cov.radius(pick);
    taken[pick] = 1;
    if (t + 1 < k) cov.add(pick);
  }
  return { order, coverageRadius };
}
