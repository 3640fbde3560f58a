/**
 * Guarded furthest point sampling: the paper's furthest point
 * sampling (Philipsen & Moeslund, arXiv 2003.14043) with a density guard so it
 * does not spend labels on outliers, falling back to density-weighted
 * coverage where plain coverage stops paying. Rules (exact, deterministic):
 *
 * - rho(x) = Euclidean distance from x to its m-th nearest other row
 *   (m = min(neighbours, n - 1), default 10): the local neighbourhood scale.
 * - Eligible rows: rho(x) <= Q, Q = the `quantile` (default 0.9) of rho over all
 *   rows (rho sorted ascending, Q = rho[ceil(quantile * n) - 1]). The others are
 *   outliers and come last.
 * - D(x) = squared distance to the nearest labeled row or earlier pick.
 * - Start without labels: the eligible row with the smallest rho (the densest;
 *   ties lowest index); radius Infinity. The seed does not matter for this strategy.
 * - Phase 1 (coverage): pick the eligible unpicked row with the largest D
 *   (ties lowest index), as long as for that row D > rho^2 - its nearest centre
 *   lies beyond its own m-th neighbour, so the pick opens a new neighbourhood.
 * - Phase 2 (density), from the first step where that fails, for good: pick the
 *   eligible unpicked row with the largest D / rho^2 (uncovered distance in units
 *   of local scale; D = 0 scores 0, rho = 0 with D > 0 scores Infinity; ties
 *   lowest index).
 * - Phase 3: the outliers, by plain furthest point sampling (largest D).
 * coverageRadius[t] = sqrt(D) of the pick (distance to the nearest earlier pick or label).
 * Cost O(n^2 d) for rho, then O(n d) per pick.
 */
import { AppError } from '../../shared/errors.js';
import { checkInput, type SelectionInput, type RadiusResult } from './types.js';
import { kthNeighbourDistance } from './knn.js';
import { CoverageTracker } from './coverage-radius.js';

export interface GuardedFpsOptions {
  /** m: neighbours for the density radius (default 10). */
  readonly neighbours?: number;
  /** Share of rows (densest first) eligible before the outliers (default 0.9). */
  readonly quantile?: number;
}

/** Density radius and eligibility as defined in the file comment (exported for tests and the UI). */
export function densityGuard(
  data: Float32Array,
  n: number,
  d: number,
  neighbours = 10,
  quantile = 0.9,
): { rho: Float64Array; eligible: Uint8Array; threshold: number } {
  const m = Math.min(neighbours, n - 1);
  const rho = m >= 1 ? kthNeighbourDistance(data, n, d, m) : new Float64Array(n);
  const sorted = Float64Array.from(rho).sort();
  const threshold = n > 0 ? sorted[Math.max(0, Math.ceil(quantile * n - 1e-9) - 1)]! : 0;
  const eligible = new Uint8Array(n);
  for (let i = 0; i < n; i++) eligible[i] = rho[i]! <= threshold ? 1 : 0;
  return { rho, eligible, threshold };
}

/**
 * Guarded furthest point sampling order of the unlabeled rows (see file comment).
 * @returns order (length k) and coverageRadius; plus `phase` (1, 2 or 3) of each pick
 * @throws AppError('invalid-argument') on malformed input or options
 */
export function guardedFps(input: SelectionInput & GuardedFpsOptions): RadiusResult & { readonly phase: Uint8Array } {
  const c = checkInput(input.data, input.n, input.d, input);
  const { data, n, d, k, labeled } = c;
  const neighbours = input.neighbours ?? 10;
  const quantile = input.quantile ?? 0.9;
  if (!Number.isInteger(neighbours) || neighbours < 1)
    throw new AppError('invalid-argument', `guarded-fps: neighbours must be an integer >= 1, got ${neighbours}`);
  if (!(quantile > 0 && quantile <= 1)) throw new AppError('invalid-argument', `guarded-fps: quantile must be in (0, 1], got ${quantile}`);
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  const phase = new Uint8Array(k);
  if (k === 0) return { order, coverageRadius, phase };
  const { rho, eligible } = densityGuard(data, n, d, neighbours, quantile);
  const taken = new Uint8Array(n);
  const cov = new CoverageTracker(data, n, d);
  for (const l of labeled) {
    taken[l] = 1;
    cov.add(l);
  }
  let ph = 1;
  for (let t = 0; t < k; t++) {
    let pick = -1;
    if (cov.size === 0) {
      let best = Infinity;
      for (let x = 0; x < n; x++)
        if (eligible[x] && rho[x]! < best) {
          best = rho[x]!;
          pick = x;
        }
    } else {
      if (ph === 1) {
        let best = -1;
        for (let x = 0; x < n; x++)
          if (!taken[x] && eligible[x] && cov.key(x) > best) {
            best = cov.key(x);
            pick = x;
          }
        if (pick < 0) ph = 3;
        else if (!(best > rho[pick]! * rho[pick]!)) {
          ph = 2;
          pick = -1;
        }
      }
      if (ph === 2) {
        let best = -1;
        for (let x = 0; x < n; x++) {
          if (taken[x] || !eligible[x]) continue;
          const D = cov.key(x);
          const r2 = rho[x]! * rho[x]!;
          const s = D === 0 ? 0 : r2 === 0 ? Infinity : D / r2;
          if (s > best) {
            best = s;
            pick = x;
          }
        }
        if (pick < 0) ph = 3;
      }
      if (ph === 3) {
        let best = -1;
        for (let x = 0; x < n; x++)
          if (!taken[x] && cov.key(x) > best) {
            best = cov.key(x);
            pick = x;
          }
      }
    }
    order[t] = pick;
    coverageRadius[t] = cov.radius(pick);
    phase[t] = cov.size === 0 ? 1 : ph;
    taken[pick] = 1;
    if (t + 1 < k) cov.add(pick);
  }
  return { order, coverageRadius, phase };
}
