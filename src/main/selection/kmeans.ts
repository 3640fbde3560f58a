/**
 * Seeded k-means: k-means++ initialisation (Arthur & Vassilvitskii, "k-means++:
 * The Advantages of Careful Seeding", SODA 2007) followed by Lloyd iterations
 * (Lloyd 1982). Deterministic for a seed. Used for TypiClust clusters and
 * ProbCover pseudo-labels.
 */
import { AppError } from '../../shared/errors.js';
import { mulberry32 } from '../../shared/random.js';

export interface KMeansOptions {
  /** Number of clusters, 1 <= k <= n. */
  readonly k: number;
  /** Seed of the k-means++ draws (mulberry32). Default 0. */
  readonly seed?: number;
  /** Lloyd iterations at most (default 50); stops earlier when no assignment changes. */
  readonly maxIterations?: number;
}

export interface KMeansResult {
  /** k*d centroid coordinates, row-major. */
  readonly centroids: Float64Array;
  /** Cluster of each row, in [0, k). */
  readonly assignment: Int32Array;
  /** Rows per cluster (a cluster may be empty when the data has fewer than k distinct rows). */
  readonly sizes: Int32Array;
  /** Lloyd iterations run. */
  readonly iterations: number;
  /** Sum of squared distances of rows to their centroid. */
  readonly inertia: number;
}

/**
 * k-means on row-major n x d data.
 * Init (k-means++): centre 1 = row floor(u*n); each further centre is drawn with
 * probability proportional to the squared distance to the nearest centre so far
 * (one mulberry32 float per draw, rows scanned in index order); if every
 * distance is 0 the lowest-index row not yet a centre is taken.
 * Lloyd: assign each row to the nearest centroid (ties: lowest cluster index),
 * move each centroid to its members' mean (an empty cluster keeps its centroid),
 * repeat until no assignment changes or maxIterations.
 * Cost O(n k d) per iteration.
 * @throws AppError('invalid-argument') when k is not in [1, n]
 */
export function kmeans(data: Float32Array, n: number, d: number, opts: KMeansOptions): KMeansResult {
  const { k } = opts;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new AppError('invalid-argument', `k-means: k = ${k} clusters must be an integer in [1, ${n}] (rows)`);
  const maxIterations = opts.maxIterations ?? 50;
  const rnd = mulberry32(opts.seed ?? 0);
  const centroids = new Float64Array(k * d);
  const isCentre = new Uint8Array(n);
  const setCentre = (c: number, row: number): void => {
    isCentre[row] = 1;
    for (let j = 0; j < d; j++) centroids[c * d + j] = data[row * d + j]!;
  };
  // k-means++
  const d2 = new Float64Array(n).fill(Infinity);
  setCentre(0, Math.min(n - 1, Math.floor(rnd() * n)));
  for (let c = 1; c < k; c++) {
    const oc = (c - 1) * d;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[o + j]! - centroids[oc + j]!;
        s += t * t;
      }
      if (s < d2[i]!) d2[i] = s;
      total += d2[i]!;
    }
    let row = -1;
    if (total > 0) {
      const target = rnd() * total;
      let acc = 0;
      for (let i = 0; i < n; i++) {
        acc += d2[i]!;
        if (acc > target && d2[i]! > 0) {
          row = i;
          break;
        }
      }
      if (row < 0)
        for (let i = n - 1; i >= 0; i--)
          if (d2[i]! > 0) {
            row = i;
            break;
          }
    } else {
      for (let i = 0; i < n; i++)
        if (!isCentre[i]) {
          row = i;
          break;
        }
    }
    setCentre(c, row);
  }
  // Lloyd
  const assignment = new Int32Array(n).fill(-1);
  const sizes = new Int32Array(k);
  const sums = new Float64Array(k * d);
  let iterations = 0;
  let inertia = 0;
  for (let it = 0; it <= maxIterations; it++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      // Start from the previous cluster for a tight bound, then scan all clusters with
      // partial-distance early exit (sums of squares only grow, so a partial sum past
      // the bound proves the full one is too). Result = the nearest centroid, lowest
      // index on ties, exactly as a plain scan would find.
      const prev = assignment[i]!;
      let best = Infinity;
      let bc = 0;
      if (prev >= 0) {
        const oc = prev * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = data[o + j]! - centroids[oc + j]!;
          s += t * t;
        }
        best = s;
        bc = prev;
      }
      for (let c = 0; c < k; c++) {
        if (c === prev) continue;
        const oc = c * d;
        const lower = c < bc; // a lower index wins a tie
        let s = 0;
        let j = 0;
        while (j < d) {
          const end = j + 8 < d ? j + 8 : d;
          for (; j < end; j++) {
            const t = data[o + j]! - centroids[oc + j]!;
            s += t * t;
          }
          if (s > best || (s === best && !lower)) break;
        }
        if (j === d && (s < best || (s === best && lower))) {
          best = s;
          bc = c;
        }
      }
      inertia += best;
      if (assignment[i] !== bc) {
        assignment[i] = bc;
        changed++;
      }
    }
    if (changed === 0 || it === maxIterations) break;
    iterations++;
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      sizes[c]!++;
      const o = i * d;
      const oc = c * d;
      for (let j = 0; j < d; j++) sums[oc + j]! += data[o + j]!;
    }
    for (let c = 0; c < k; c++) {
      const sz = sizes[c]!;
      if (sz === 0) continue;
      for (let j = 0; j < d; j++) centroids[c * d + j] = sums[c * d + j]! / sz;
    }
  }
  sizes.fill(0);
  for (let i = 0; i < n; i++) sizes[assignment[i]!]!++;
  return { centroids, assignment, sizes, iterations, inertia };
}
