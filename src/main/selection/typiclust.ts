/**
 * TypiClust: Hacohen, Dekel & Weinshall, "Active Learning on a Budget:
 * Opposite Strategies Suit High and Low Budgets", ICML 2022 (arXiv 2202.02794),
 * following the authors' reference code (avihu111/TypiClust): cluster the
 * embeddings into |labeled| + budget clusters, drop clusters of at most
 * MIN_CLUSTER_SIZE = 5 rows, then repeatedly take the cluster with the fewest
 * labeled/selected rows (ties: the largest, then the lowest cluster id) and
 * select its most typical unselected, unlabeled row, where
 * typicality(x) = 1 / (mean Euclidean distance to its K nearest neighbours
 * within the cluster + 1e-5), K = min(20, floor(size / 2)).
 *
 * Full order (the product needs more than one budget): rounds of doubling
 * budget, as in the paper's multi-round active-learning setting. Round r picks
 * B_r = max(initialBudget, |L_r|) rows, where L_r = labeled rows + rows picked
 * in earlier rounds, with a fresh k-means (seed + r) into
 * min(|L_r| + B_r, maxClusters) clusters. Once the cluster count reaches
 * maxClusters (500, the reference code's MAX_NUM_CLUSTERS) the last clustering
 * is kept for the rest of the order (re-clustering would give the same one).
 * When every kept cluster is exhausted, the remaining rows follow by furthest
 * point sampling (same rules as furthest-point-sampling.ts).
 *
 * Deviations from the reference code (documented): typicality is computed once
 * per clustering over all members (labeled included) rather than recomputed
 * after each selection; k-means is seeded k-means++ with at most
 * kmeansIterations Lloyd steps (default 30) instead of scikit-learn's KMeans.
 * Deterministic for a seed. coverageRadius is the distance of each pick to the
 * nearest earlier pick or labeled row.
 * Cost per round O(n K d * iterations) for k-means, O(sum size^2 d) for typicality,
 * plus O(n k d) for the coverage radii.
 */
import { AppError } from '../../shared/errors.js';
import { checkInput, type SelectionInput, type RadiusResult } from './types.js';
import { kmeans } from './kmeans.js';
import { knn } from './knn.js';
import { CoverageTracker } from './coverage-radius.js';

export interface TypiclustOptions {
  /** Budget of the first round (default 10). */
  readonly initialBudget?: number;
  /** Cap on the cluster count (default 500). */
  readonly maxClusters?: number;
  /** Clusters with at most this many rows are skipped (default 5) unless no cluster is larger. */
  readonly minClusterSize?: number;
  /** Neighbours for typicality (default 20; at most floor(size / 2)). */
  readonly neighbours?: number;
  /** Lloyd iterations per clustering (default 30). */
  readonly kmeansIterations?: number;
}

interface Clustering {
  /** Members per kept cluster. */
  readonly members: Int32Array[];
  readonly typicality: Float64Array[];
  /** Labeled/selected count per kept cluster. */
  readonly count: number[];
  readonly size: number[];
  readonly id: number[];
}

function cluster(
  data: Float32Array,
  n: number,
  d: number,
  K: number,
  seed: number,
  iters: number,
  minSize: number,
  neighbours: number,
  taken: Uint8Array,
): Clustering {
  const km = kmeans(data, n, d, { k: K, seed, maxIterations: iters });
  const lists: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) lists[km.assignment[i]!]!.push(i);
  let keep = lists.map((l, id) => ({ l, id })).filter((c) => c.l.length > minSize);
  if (keep.length === 0) keep = lists.map((l, id) => ({ l, id })).filter((c) => c.l.length > 0);
  const members: Int32Array[] = [];
  const typicality: Float64Array[] = [];
  const count: number[] = [];
  const size: number[] = [];
  const id: number[] = [];
  for (const c of keep) {
    const rows = Int32Array.from(c.l);
    const Kn = Math.min(neighbours, Math.floor(rows.length / 2));
    const typ = new Float64Array(rows.length);
    if (Kn > 0) {
      const nn = knn(data, n, d, Kn, rows);
      for (let a = 0; a < rows.length; a++) {
        let s = 0;
        for (let q = 0; q < Kn; q++) s += nn.dist[a * Kn + q]!;
        typ[a] = 1 / (s / Kn + 1e-5);
      }
    }
    let cnt = 0;
    for (const r of rows) if (taken[r]) cnt++;
    members.push(rows);
    typicality.push(typ);
    count.push(cnt);
    size.push(rows.length);
    id.push(c.id);
  }
  return { members, typicality, count, size, id };
}

/**
 * TypiClust order of the unlabeled rows (see the file comment for the rules).
 * @returns order (length k) and coverageRadius (distance to the nearest earlier pick or label; Infinity for a first pick with nothing before it)
 * @throws AppError('invalid-argument') on malformed input or options
 */
export function typiclust(input: SelectionInput & TypiclustOptions): RadiusResult {
  const c = checkInput(input.data, input.n, input.d, input);
  const { data, n, d, k, labeled, seed } = c;
  const b0 = input.initialBudget ?? 10;
  const maxClusters = input.maxClusters ?? 500;
  const minSize = input.minClusterSize ?? 5;
  const neighbours = input.neighbours ?? 20;
  const iters = input.kmeansIterations ?? 30;
  for (const [name, v, lo] of [
    ['initialBudget', b0, 1],
    ['maxClusters', maxClusters, 1],
    ['minClusterSize', minSize, 0],
    ['neighbours', neighbours, 1],
    ['kmeansIterations', iters, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < lo) throw new AppError('invalid-argument', `typiclust: ${name} must be an integer >= ${lo}, got ${v}`);
  }
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  const taken = new Uint8Array(n);
  for (const l of labeled) taken[l] = 1;
  const cov = new CoverageTracker(data, n, d);
  for (const l of labeled) cov.add(l);
  let t = 0;
  const emit = (x: number): void => {
    order[t] = x;
    coverageRadius[t] = cov.radius(x);
    taken[x] = 1;
    t++;
    if (t < k) cov.add(x);
  };

  let round = 0;
  let cl: Clustering | null = null;
  let capped = false;
  let exhausted = false;
  while (t < k && !exhausted) {
    const have = labeled.length + t;
    const budget = capped ? k - t : Math.min(k - t, Math.max(b0, have));
    if (!capped) {
      const K = Math.min(have + Math.max(b0, have), maxClusters, n);
      cl = cluster(data, n, d, K, seed + round, iters, minSize, neighbours, taken);
      capped = K >= maxClusters || K >= n;
      round++;
    }
    const C = cl!;
    const before = t;
    for (let b = 0; b < budget; b++) {
      // cluster with fewest taken rows, then largest, then lowest id, that still has a free row
      let pickRow = -1;
      while (pickRow < 0) {
        let best = -1;
        for (let q = 0; q < C.members.length; q++) {
          if (C.size[q] === 0) continue;
          if (best < 0) {
            best = q;
            continue;
          }
          const a = C.count[q]!,
            bb = C.count[best]!;
          if (a < bb || (a === bb && (C.size[q]! > C.size[best]! || (C.size[q] === C.size[best] && C.id[q]! < C.id[best]!)))) best = q;
        }
        if (best < 0) break;
        const rows = C.members[best]!;
        const typ = C.typicality[best]!;
        let bt = -Infinity;
        for (let a = 0; a < rows.length; a++) {
          const r = rows[a]!;
          if (taken[r]) continue;
          if (typ[a]! > bt || (typ[a] === bt && r < pickRow)) {
            bt = typ[a]!;
            pickRow = r;
          }
        }
        if (pickRow < 0)
          C.size[best] = 0; // no free row left: drop this cluster
        else C.count[best]!++;
      }
      if (pickRow < 0) break;
      emit(pickRow);
    }
    // kept clusters ran dry: re-cluster next round, or (capped / no progress) finish by FPS
    if (t < k && (capped || t === before) && t - before < budget) exhausted = true;
  }
  // rows in dropped (small) clusters, if any remain: furthest point sampling
  while (t < k) {
    let best = -1;
    let bi = -1;
    for (let x = 0; x < n; x++) {
      if (taken[x]) continue;
      const m = cov.key(x);
      if (m > best) {
        best = m;
        bi = x;
      }
    }
    emit(bi);
  }
  return { order, coverageRadius };
}
