/**
 * Exact furthest point sampling (greedy k-center; Gonzalez 1985, "Clustering
 * to minimize the maximum intercluster distance", TCS 38), used as a novelty
 * order in latent space by Philipsen & Moeslund, "Distance in Latent Space as
 * Novelty Measure" (arXiv 2003.14043).
 *
 * Rules (shared by every variant in this folder, which give identical picks):
 * - Centres start as the labeled rows; each row's key is its squared Euclidean
 *   distance to the nearest centre (sequential float64 sum over columns).
 * - Each step picks the unchosen, unlabeled row with the largest key; ties go
 *   to the lowest row index. The pick becomes a centre.
 * - With no labeled row the first pick is row floor(u * n), u = first float of
 *   mulberry32(seed); its coverage radius is Infinity.
 * - coverageRadius[t] = sqrt(key of the pick) = Euclidean distance to the nearest
 *   earlier pick or labeled row. It is non-increasing in t. Duplicated rows give 0.
 * Cost O(n (k + |labeled|) d) time, O(n) extra memory.
 */
import { checkInput, sqDist, type SelectionOptions } from './types.js';
import { argmaxRange, loadRow, updateMinDistRange } from './fps-kernel.js';
import { firstPickForSeed } from './first-pick.js';
import { chooseFpsKernel, createSimdMemory, SimdKernel, simdLayout, type FpsKernel, type FpsKernelChoice } from './fps-simd.js';

export type { FpsKernel, FpsKernelChoice } from './fps-simd.js';
export { FpsState } from './fps-state.js';

export interface FpsResult {
  /** Row indices in pick order (labeled rows excluded), length k. */
  readonly order: Int32Array;
  /** Euclidean distance of each pick to the nearest earlier pick or labeled row (Infinity for a first pick with nothing before it). */
  readonly coverageRadius: Float64Array;
  /** Which kernel ran: 'wasm-simd' (fps-simd.wat) or 'js' (fps-kernel.ts); both give identical picks. */
  readonly kernel?: FpsKernel;
}

export interface FpsOptions extends SelectionOptions {
  /** Distance kernel: 'auto' (default: WebAssembly SIMD when available, else JS), 'js', or 'wasm-simd' (throws when unavailable). */
  readonly kernel?: FpsKernelChoice;
}

/**
 * Furthest point sampling, exact, synchronous, one thread.
 *
 * @param data row-major n x d Float32Array (row i = data[i*d .. i*d+d))
 * @param n rows, d columns
 * @param opts labeled rows (seed the centres), k (default all unlabeled), seed (first pick when nothing is labeled)
 * @returns order (Int32Array, length k) and coverageRadius (Float64Array, latent units)
 * @throws AppError('invalid-argument') on malformed input (see checkInput)
 */
export function furthestPointSampling(data: Float32Array, n: number, d: number, opts: FpsOptions = {}): FpsResult {
  const c = checkInput(data, n, d, opts);
  const { k, labeled } = c;
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  const kernel = chooseFpsKernel(opts.kernel, n, d, 1);
  if (k === 0) return { order, coverageRadius, kernel };
  if (kernel === 'wasm-simd') {
    // same steps as below, the keys living in wasm memory
    const layout = simdLayout(n, d, 1)!;
    const sk = new SimdKernel(createSimdMemory(data, layout), layout, 0);
    const out = new Float64Array(2);
    const np = layout.npad;
    for (let i = 0; i < labeled.length; i++) sk.setKey(labeled[i]!, -1);
    let t = 0;
    if (labeled.length === 0) {
      const first = firstPickForSeed(n, c.seed);
      order[0] = first;
      coverageRadius[0] = Infinity;
      sk.setKey(first, -1);
      t = 1;
      if (k > 1) sk.update(first, 0, np, out);
    } else {
      for (let i = 0; i < labeled.length; i++) sk.update(labeled[i]!, 0, np, out);
    }
    for (; t < k; t++) {
      const pick = out[1]!;
      order[t] = pick;
      coverageRadius[t] = Math.sqrt(out[0]!);
      sk.setKey(pick, -1);
      if (t + 1 < k) sk.update(pick, 0, np, out);
    }
    return { order, coverageRadius, kernel };
  }
  const mind = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < labeled.length; i++) mind[labeled[i]!] = -1;
  const p = new Float64Array(d);
  const out = new Float64Array(2);
  let t = 0;
  if (labeled.length === 0) {
    const first = firstPickForSeed(n, c.seed);
    order[0] = first;
    coverageRadius[0] = Infinity;
    mind[first] = -1;
    t = 1;
    if (k > 1) {
      loadRow(data, d, first, p);
      updateMinDistRange(data, d, p, mind, 0, n, out);
    }
  } else {
    for (let i = 0; i < labeled.length; i++) {
      loadRow(data, d, labeled[i]!, p);
      updateMinDistRange(data, d, p, mind, 0, n, out);
    }
  }
  for (; t < k; t++) {
    const pick = out[1]!;
    order[t] = pick;
    coverageRadius[t] = Math.sqrt(out[0]!);
    mind[pick] = -1;
    if (t + 1 < k) {
      loadRow(data, d, pick, p);
      updateMinDistRange(data, d, p, mind, 0, n, out);
    }
  }
  return { order, coverageRadius, kernel };
}

/**
 * Furthest point sampling with exact triangle-inequality pruning (the cell
 * bound of Clarkson, "Nearest-neighbor searching and metric space dimensions",
 * 2006, as used by greedy-permutation codes such as Gudhi's): every row belongs
 * to the cell of its nearest centre c, and r_c is the cell's largest distance.
 * A new centre p cannot bring any row of cell c closer when |c - p| >= 2 r_c, so
 * that cell is skipped without touching its rows. Same rules and identical picks
 * as furthestPointSampling (the skip test keeps a relative margin of 1e-9 for
 * rounding). Pays on clustered embeddings with k << n. When it stops paying
 * (past 256 picks, the last 64 picks touched more than 0.35 n rows each on average, as on
 * unstructured high-dimensional data) it switches to the plain kernel for the
 * rest of the run, which leaves the picks unchanged. Worst case O(n k d + k^2 d).
 */
export function furthestPointSamplingPruned(
  data: Float32Array,
  n: number,
  d: number,
  opts: FpsOptions & {
    /** Filled in when given: rows + centre distances computed while pruning, and the pick at which it fell back (-1: never). */
    stats?: { prunedWork: number; fellBackAt: number };
  } = {},
): FpsResult {
  const c = checkInput(data, n, d, opts);
  const { k, labeled } = c;
  const order = new Int32Array(k);
  const coverageRadius = new Float64Array(k);
  if (k === 0) return { order, coverageRadius };

  const mind = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < labeled.length; i++) mind[labeled[i]!] = -1;
  // cells: centre row, member rows (unchosen, unlabeled), max key and its lowest index
  const centre: number[] = [];
  const members: Int32Array[] = [];
  const size: number[] = [];
  const cellBest: number[] = [];
  const cellArg: number[] = [];
  const p = new Float64Array(d);
  const moved = new Int32Array(n);

  /** Adds a centre; returns the work done, in row-distance units (rows scanned + centre distances). */
  const addCentre = (row: number): number => {
    loadRow(data, d, row, p);
    let nMoved = 0;
    let work = 0;
    if (centre.length === 0) {
      for (let x = 0; x < n; x++) {
        if (mind[x]! < 0) continue;
        const o = x * d;
        let a = 0;
        for (let j = 0; j < d; j++) {
          const t = data[o + j]! - p[j]!;
          a += t * t;
        }
        mind[x] = a;
        moved[nMoved++] = x;
      }
    } else {
      for (let ci = 0; ci < centre.length; ci++) {
        const sz = size[ci]!;
        if (sz === 0) continue;
        const rc2 = cellBest[ci]!;
        if (rc2 === 0) continue; // every member coincides with the centre: d(x,p) = d(c,p) >= 0 = key
        const dcp2 = sqDist(data, d, centre[ci]!, row);
        work++;
        if (dcp2 > 4 * rc2 * (1 + 1e-9)) continue; // |c-p| >= 2 r_c: no member can get closer
        const mem = members[ci]!;
        let keep = 0;
        let best = -1;
        let bi = -1;
        work += sz;
        for (let q = 0; q < sz; q++) {
          const x = mem[q]!;
          const o = x * d;
          const mx = mind[x]!;
          // partial-distance early exit: the sum only grows, so once it reaches the
          // key the row cannot improve (exact: same comparison as the full sum)
          let a = 0;
          let j = 0;
          while (j < d) {
            const end = j + 8 < d ? j + 8 : d;
            for (; j < end; j++) {
              const t = data[o + j]! - p[j]!;
              a += t * t;
            }
            if (a >= mx) break;
          }
          if (a < mx) {
            mind[x] = a;
            moved[nMoved++] = x;
          } else {
            mem[keep++] = x;
            const m = mind[x]!;
            if (m > best || (m === best && x < bi)) {
              best = m;
              bi = x;
            }
          }
        }
        size[ci] = keep;
        cellBest[ci] = best;
        cellArg[ci] = bi;
      }
    }
    const mem = new Int32Array(nMoved);
    let best = -1;
    let bi = -1;
    for (let q = 0; q < nMoved; q++) {
      const x = moved[q]!;
      mem[q] = x;
      const m = mind[x]!;
      if (m > best || (m === best && x < bi)) {
        best = m;
        bi = x;
      }
    }
    centre.push(row);
    members.push(mem);
    size.push(nMoved);
    cellBest.push(best);
    cellArg.push(bi);
    return centre.length === 1 ? n : work;
  };

  const nextPick = (): [number, number] => {
    let best = -1;
    let bi = -1;
    for (let ci = 0; ci < centre.length; ci++) {
      if (size[ci] === 0) continue;
      const m = cellBest[ci]!;
      const x = cellArg[ci]!;
      if (m > best || (m === best && x < bi)) {
        best = m;
        bi = x;
      }
    }
    return [best, bi];
  };

  let t = 0;
  if (labeled.length === 0) {
    const first = firstPickForSeed(n, c.seed);
    order[0] = first;
    coverageRadius[0] = Infinity;
    mind[first] = -1;
    t = 1;
    if (k > 1) addCentre(first);
  } else {
    for (let i = 0; i < labeled.length; i++) addCentre(labeled[i]!);
  }
  // When pruning stops paying (after WARMUP picks, the last WINDOW picks touched more
  // than FALLBACK * n rows on average), switch to the plain kernel for the rest: the keys are exact
  // either way, so the picks do not change.
  const WINDOW = 64;
  const WARMUP = 256; // the first picks always touch large cells
  const FALLBACK = 0.35;
  let brute = false;
  let windowWork = 0;
  let windowPicks = 0;
  const out = new Float64Array(2);
  for (; t < k; t++) {
    const [best, pick] = brute ? [out[0]!, out[1]!] : nextPick();
    order[t] = pick;
    coverageRadius[t] = Math.sqrt(best);
    mind[pick] = -1;
    if (brute) {
      if (t + 1 < k) {
        loadRow(data, d, pick, p);
        updateMinDistRange(data, d, p, mind, 0, n, out);
      }
      continue;
    }
    // remove the pick from its cell (it is that cell's argmax)
    for (let ci = centre.length - 1; ci >= 0; ci--) {
      if (cellArg[ci] !== pick || size[ci] === 0) continue;
      const mem = members[ci]!;
      const sz = size[ci]!;
      let keep = 0;
      let b = -1;
      let bi = -1;
      for (let q = 0; q < sz; q++) {
        const x = mem[q]!;
        if (x === pick) continue;
        mem[keep++] = x;
        const m = mind[x]!;
        if (m > b || (m === b && x < bi)) {
          b = m;
          bi = x;
        }
      }
      size[ci] = keep;
      cellBest[ci] = b;
      cellArg[ci] = bi;
      break;
    }
    if (t + 1 < k) {
      const w = addCentre(pick);
      windowWork += w;
      if (opts.stats) opts.stats.prunedWork += w;
      if (++windowPicks === WINDOW) {
        if (t >= WARMUP && windowWork > FALLBACK * n * WINDOW) {
          brute = true;
          if (opts.stats) opts.stats.fellBackAt = t + 1;
          argmaxRange(mind, 0, n, out);
        }
        windowWork = 0;
        windowPicks = 0;
      }
    }
  }
  return { order, coverageRadius };
}
