/**
 * Exact k-nearest-neighbour distances by brute force (all pairs, squared
 * Euclidean in float64, same arithmetic as sqDist in types.ts). O(m^2 d) for m
 * rows; used by TypiClust (within a cluster), guarded FPS (density) and tests.
 */
import { AppError } from '../../shared/errors.js';

export interface KnnResult {
  /** Rows the neighbours were searched among (indices into data). */
  readonly rows: Int32Array;
  readonly K: number;
  /** dist[a*K + q]: Euclidean distance from rows[a] to its (q+1)-th nearest other row, ascending. */
  readonly dist: Float64Array;
  /** index[a*K + q]: the row index of that neighbour (ties: lower row index first). */
  readonly index: Int32Array;
}

/**
 * K nearest neighbours of each row among `rows` (default all n rows), the row
 * itself excluded. Requires 0 <= K <= rows.length - 1.
 * @throws AppError('invalid-argument') when K is out of range
 */
export function knn(data: Float32Array, n: number, d: number, K: number, rows?: ArrayLike<number>): KnnResult {
  const r = rows ? Int32Array.from(rows as ArrayLike<number>) : Int32Array.from({ length: n }, (_, i) => i);
  const m = r.length;
  if (!Number.isInteger(K) || K < 0 || (m > 0 && K > m - 1) || (m === 0 && K !== 0)) {
    throw new AppError('invalid-argument', `K = ${K} nearest neighbours asked among ${m} rows; K must be in [0, ${Math.max(0, m - 1)}]`);
  }
  const dist2 = new Float64Array(m * K).fill(Infinity);
  const index = new Int32Array(m * K).fill(-1);
  if (K > 0) {
    const insert = (a: number, v: number, idx: number): void => {
      const base = a * K;
      // keep ascending by (distance, row index)
      let q = K - 1;
      const lastV = dist2[base + q]!;
      const lastI = index[base + q]!;
      if (v > lastV || (v === lastV && lastI !== -1 && idx > lastI)) return;
      while (q > 0) {
        const pv = dist2[base + q - 1]!;
        const pi = index[base + q - 1]!;
        if (pv < v || (pv === v && pi !== -1 && pi < idx)) break;
        dist2[base + q] = pv;
        index[base + q] = pi;
        q--;
      }
      dist2[base + q] = v;
      index[base + q] = idx;
    };
    for (let a = 0; a < m; a++) {
      const oa = r[a]! * d;
      for (let b = a + 1; b < m; b++) {
        const ob = r[b]! * d;
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = data[oa + j]! - data[ob + j]!;
          s += t * t;
        }
        insert(a, s, r[b]!);
        insert(b, s, r[a]!);
      }
    }
  }
  const dist = new Float64Array(m * K);
  for (let i = 0; i < dist.length; i++) dist[i] = Math.sqrt(dist2[i]!);
  return { rows: r, K, dist, index };
}

/** Distance of each row to its K-th nearest other row (K >= 1), among all n rows. */
export function kthNeighbourDistance(data: Float32Array, n: number, d: number, K: number): Float64Array {
  const res = knn(data, n, d, K);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = res.dist[i * K + K - 1]!;
  return out;
}
