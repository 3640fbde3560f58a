/**
 * ProbCover: Yehuda, Dekel, Hacohen & Weinshall, "Active Learning Through a
 * Covering Lens", NeurIPS 2022 (arXiv 2205.11320).
 *
 * 1. delta from cluster purity (the paper's Sec. 4): k-means pseudo-labels with
 *    `clusters` clusters (default 10; the paper uses the number of classes).
 *    The ball B(x) = { y : |x - y| < delta } is pure when every row in it has
 *    x's pseudo-label, i.e. when e(x) >= delta with e(x) = distance from x to the
 *    nearest row of another cluster. purity(delta) = share of pure balls, which
 *    falls as delta grows; delta = the largest value with purity >= alpha
 *    (default 0.95), exactly: e sorted descending, delta = e[ceil(alpha n) - 1].
 *    Or pass `delta` to skip this step.
 * 2. Graph: edge x - y when |x - y| < delta; every row also covers itself.
 * 3. Greedy max coverage: the rows covered by the labeled rows' balls start
 *    covered; repeatedly pick the unlabeled, unpicked row whose ball holds the
 *    most uncovered rows and mark its ball covered. Ties go to the row that
 *    comes first in the seeded random order of the rows (random-order.ts,
 *    randomOrder(n, { seed })), or with `ties: 'index'` to the lowest index
 *    (the reference code's argmax). Why seeded ties by default (evidence in
 *    README "Which strategy saves labels"): on autoencoder
 *    embeddings the purity delta is often below the median nearest-neighbour
 *    distance, so more than half of the rows are alone in their ball and the
 *    order's tail is a long run of gain-1 ties. Lowest-index ties then pick
 *    those rows in file order (grouped by folder, i.e. often by class); seeded
 *    ties pick them uniformly at random, which is what the reference code does
 *    once coverage adds nothing. Measured: at 400 labels the index tie-break
 *    was 1.5-11 deg worse than random order on three pools; see the README.
 * 4. When everything is covered (the best ball adds nothing) the rest follow
 *    by furthest point sampling seeded with labels and picks (the reference
 *    code falls back to random there; FPS keeps the order deterministic and
 *    coverage-minded).
 * coverageRadius: each pick's distance to the nearest earlier pick or label.
 * Cost O(n^2 d) for purity and the graph, O(E) memory for E edges (refuses more
 * than maxEdges, default 2^27), O(n) per greedy pick, O(n d) per pick for the radii.
 */
import { AppError } from '../../shared/errors.js';
import { checkInput, type SelectionInput, type RadiusResult } from './types.js';
import { kmeans } from './kmeans.js';
import { CoverageTracker } from './coverage-radius.js';
import { randomOrder } from './random-order.js';

export interface ProbCoverOptions {
  /** Purity threshold (default 0.95). */
  readonly alpha?: number;
  /** k-means pseudo-label count for purity (default 10, at most n). */
  readonly clusters?: number;
  /** Ball radius; when given, purity is not computed. */
  readonly delta?: number;
  /** Lloyd iterations of the pseudo-label k-means (default 30). */
  readonly kmeansIterations?: number;
  /** Largest graph (directed edges) accepted (default 2^27). */
  readonly maxEdges?: number;
  /** Equal-gain ties: 'random' (default) = first in the seeded random order of the rows; 'index' = lowest index. */
  readonly ties?: 'random' | 'index';
  /**
   * Most rows purity, the graph and the greedy cover work on (default PROBCOVER_MAX_GRAPH_ROWS).
   * A larger pool uses every labeled row and a seeded random sample of the others for them; the
   * order then continues over every row by furthest point sampling.
   */
  readonly maxGraphRows?: number;
}

/**
 * Purity and the graph cost O(n^2 d): 30,000 rows at d = 32 take about a minute of one core
 * (10,000 rows: 6.5 CPU-s measured), beyond which a pool's first picks come from a sample.
 */
export const PROBCOVER_MAX_GRAPH_ROWS = 30_000;

/** The sample never halves below this many rows. */
const MIN_SAMPLE_ROWS = 1_000;

/**
 * delta = largest ball radius with purity >= alpha on the given pseudo-labels
 * (see file comment). Infinity when there is a single pseudo-label.
 */
export function purityDelta(data: Float32Array, n: number, d: number, labels: Int32Array, alpha: number): number {
  const e2 = new Float64Array(n).fill(Infinity);
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    const la = labels[a]!;
    for (let b = a + 1; b < n; b++) {
      if (labels[b] === la) continue;
      const ob = b * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = data[oa + j]! - data[ob + j]!;
        s += t * t;
      }
      if (s < e2[a]!) e2[a] = s;
      if (s < e2[b]!) e2[b] = s;
    }
  }
  const e = Array.from(e2, (v) => Math.sqrt(v)).sort((x, y) => y - x);
  const m = Math.max(1, Math.ceil(alpha * n - 1e-9));
  return e[m - 1]!;
}

/**
 * ProbCover order of the unlabeled rows (see the file comment).
 * @returns order (length k), coverageRadius, and the delta used
 * @throws AppError('invalid-argument') on malformed input/options or a graph larger than maxEdges
 */
export function probcover(input: SelectionInput & ProbCoverOptions): RadiusResult & { readonly delta: number } {
  const c = checkInput(input.data, input.n, input.d, input);
  const { data, n, d, k, labeled, seed } = c;
  const alpha = input.alpha ?? 0.95;
  if (!(alpha > 0 && alpha <= 1)) throw new AppError('invalid-argument', `probcover: alpha must be in (0, 1], got ${alpha}`);
  const maxEdges = input.maxEdges ?? 2 ** 27;
  const ties = input.ties ?? 'random';
  if (ties !== 'random' && ties !== 'index') throw new AppError('invalid-argument', `probcover: ties must be 'random' or 'index', got ${String(ties)}`);
  const maxGraphRows = input.maxGraphRows ?? PROBCOVER_MAX_GRAPH_ROWS;
  if (!(Number.isInteger(maxGraphRows) && maxGraphRows >= 2))
    throw new AppError('invalid-argument', `probcover: maxGraphRows must be an integer >= 2, got ${maxGraphRows}`);
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  // The rows purity, graph and greedy cover run on: all of them, or (large pools) every labeled row
  // and a seeded random sample of the others; g-indices below index into `rows`. When the graph
  // would exceed maxEdges (many identical embeddings, e.g. blank images, fall in one ball), the
  // sample halves until it fits: the cover then works on fewer rows and the order continues by
  // furthest point sampling over all of them.
  let limit = Math.min(n, maxGraphRows);
  let built: ReturnType<typeof buildGraph> = null;
  for (;;) {
    built = buildGraph(limit);
    if (built || input.delta !== undefined || limit <= MIN_SAMPLE_ROWS) break;
    limit = Math.max(MIN_SAMPLE_ROWS, Math.floor(limit / 2));
  }
  if (!built) {
    throw new AppError(
      'invalid-argument',
      `probcover: the ball graph has more than ${maxEdges} edges even on ${limit} rows; pass a smaller delta or more clusters`,
    );
  }
  const { rows, gn, delta, deg, pairs, edges } = built;
  if (k === 0) return { order, coverageRadius, delta };
  const full = (g: number): number => (rows ? rows[g]! : g);

  function buildGraph(rowLimit: number) {
    let rows: Int32Array | null = null;
    if (n > rowLimit) {
      const isLabeled = new Uint8Array(n);
      for (const l of labeled) isLabeled[l] = 1;
      const pick: number[] = [...new Set(labeled)];
      const want = Math.max(rowLimit, pick.length + 1);
      for (const r of randomOrder(n, { seed })) {
        if (pick.length >= want) break;
        if (!isLabeled[r]) pick.push(r);
      }
      rows = Int32Array.from(pick);
    }
    const gn = rows ? rows.length : n;
    const gData = rows ? new Float32Array(gn * d) : data;
    if (rows) rows.forEach((r, g) => gData.set(data.subarray(r * d, (r + 1) * d), g * d));
    let delta: number;
    if (input.delta !== undefined) {
      if (!(input.delta >= 0)) throw new AppError('invalid-argument', `probcover: delta must be >= 0, got ${input.delta}`);
      delta = input.delta;
    } else if (gn <= 1) {
      delta = 0;
    } else {
      const K = Math.min(input.clusters ?? 10, gn);
      if (!Number.isInteger(K) || K < 2) throw new AppError('invalid-argument', `probcover: clusters must be an integer >= 2, got ${input.clusters}`);
      const km = kmeans(gData, gn, d, { k: K, seed, maxIterations: input.kmeansIterations ?? 30 });
      delta = purityDelta(gData, gn, d, km.assignment, alpha);
    }
    // graph in CSR: neighbours with |x - y| < delta (squared compare on delta^2)
    const deg = new Int32Array(gn);
    const pairs: Int32Array[] = [];
    let cur = new Int32Array(1 << 16);
    let fill = 0;
    let edges = 0;
    if (k === 0) return { rows, gn, delta, deg, pairs, edges };
    for (let a = 0; a < gn; a++) {
      const oa = a * d;
      for (let b = a + 1; b < gn; b++) {
        const ob = b * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = gData[oa + j]! - gData[ob + j]!;
          s += t * t;
        }
        if (Math.sqrt(s) < delta) {
          if (fill === cur.length) {
            pairs.push(cur);
            cur = new Int32Array(1 << 16);
            fill = 0;
          }
          cur[fill++] = a;
          cur[fill++] = b;
          deg[a]!++;
          deg[b]!++;
          edges += 2;
          if (edges > maxEdges) return null;
        }
      }
    }
    pairs.push(cur.subarray(0, fill));
    return { rows, gn, delta, deg, pairs, edges };
  }
  const start = new Int32Array(gn + 1);
  for (let i = 0; i < gn; i++) start[i + 1] = start[i]! + deg[i]!;
  const adj = new Int32Array(edges);
  const pos = start.slice(0, gn);
  for (const chunk of pairs) {
    for (let q = 0; q < chunk.length; q += 2) {
      const a = chunk[q]!,
        b = chunk[q + 1]!;
      adj[pos[a]!++] = b;
      adj[pos[b]!++] = a;
    }
  }
  // gain[x] = uncovered rows in x's ball (itself included)
  const covered = new Uint8Array(gn);
  const gain = new Int32Array(gn);
  for (let i = 0; i < gn; i++) gain[i] = deg[i]! + 1;
  const cover = (y: number): void => {
    if (covered[y]) return;
    covered[y] = 1;
    gain[y]!--;
    for (let q = start[y]!; q < start[y + 1]!; q++) gain[adj[q]!]!--;
  };
  const coverBall = (x: number): void => {
    cover(x);
    for (let q = start[x]!; q < start[x + 1]!; q++) cover(adj[q]!);
  };
  // rank[x] = position of x in the seeded random order of the graph's rows (the tie-break), or null for lowest index
  let rank: Int32Array | null = null;
  if (ties === 'random') {
    rank = new Int32Array(gn);
    randomOrder(gn, { seed }).forEach((row, j) => {
      rank![row] = j;
    });
  }
  const gTaken = new Uint8Array(gn);
  const taken = new Uint8Array(n);
  const cov = new CoverageTracker(data, n, d);
  for (const l of labeled) {
    taken[l] = 1;
    cov.add(l);
  }
  for (let g = 0; g < gn; g++) {
    if (taken[full(g)]) {
      gTaken[g] = 1;
      coverBall(g);
    }
  }
  let t = 0;
  let covering = true;
  while (t < k) {
    let pick = -1;
    if (covering) {
      let best = 0;
      let gPick = -1;
      for (let x = 0; x < gn; x++) {
        if (gTaken[x]) continue;
        const g = gain[x]!;
        if (g > best || (g === best && g > 0 && rank !== null && rank[x]! < rank[gPick]!)) {
          best = g;
          gPick = x;
        }
      }
      if (gPick < 0) covering = false;
      else {
        coverBall(gPick);
        gTaken[gPick] = 1;
        pick = full(gPick);
      }
    }
    if (!covering) {
      let best = -Infinity;
      for (let x = 0; x < n; x++) {
        if (!taken[x] && cov.key(x) > best) {
          best = cov.key(x);
          pick = x;
        }
      }
    }
    order[t] = pick;
    coverageRadius[t] = cov.radius(pick);
    taken[pick] = 1;
    t++;
    if (t < k) cov.add(pick);
  }
  return { order, coverageRadius, delta };
}
