/**
 * The inner loop of furthest point sampling, shared by the single-thread and
 * the worker-thread versions so both compute bit-identical distances.
 *
 * Distances are squared Euclidean, summed in float64 over columns 0..d-1 in
 * order for each row (the same arithmetic as `sqDist` in types.ts). Rows are
 * processed four at a time with one accumulator each: the per-row summation
 * order is unchanged (so results are exact relative to a plain loop), but the
 * four independent add chains keep the CPU busy. Every 8 columns the block
 * stops early when all four partial sums already reach their keys (a partial
 * sum of squares never exceeds the full one, so no key could drop): on
 * clustered embeddings most rows are far from a new pick and stop after 8 or
 * 16 columns.
 */

/**
 * For rows [start, end): mind[i] = min(mind[i], |x_i - p|^2), then returns the
 * largest mind[i] in the range and its lowest index through `out`
 * (out[0] = value, out[1] = index; -1 / -1 when every row has mind < 0, i.e.
 * is chosen or labeled). Rows already chosen hold mind = -1 and stay so.
 *
 * @param data row-major n x d embeddings
 * @param p the new centre's coordinates (length d, float64 copy of its row)
 * @param mind squared distance of each row to its nearest centre so far
 * @param out Float64Array(2) receiving [best value, best index]
 */
export function updateMinDistRange(data: Float32Array, d: number, p: Float64Array, mind: Float64Array, start: number, end: number, out: Float64Array): void {
  let best = -1;
  let bi = -1;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o0 = i * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const m0 = mind[i]!;
    const m1 = mind[i + 1]!;
    const m2 = mind[i + 2]!;
    const m3 = mind[i + 3]!;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let j = 0;
    for (;;) {
      const e = j + 8 < d ? j + 8 : d;
      for (; j < e; j++) {
        const pj = p[j]!;
        let t = data[o0 + j]! - pj;
        a0 += t * t;
        t = data[o1 + j]! - pj;
        a1 += t * t;
        t = data[o2 + j]! - pj;
        a2 += t * t;
        t = data[o3 + j]! - pj;
        a3 += t * t;
      }
      // partial-distance exit: sums of squares only grow, so once all four partial
      // sums reach their keys no key can drop (exact: the comparisons below agree)
      if (j >= d || (a0 >= m0 && a1 >= m1 && a2 >= m2 && a3 >= m3)) break;
    }
    let m = m0;
    if (a0 < m) {
      mind[i] = a0;
      m = a0;
    }
    if (m > best) {
      best = m;
      bi = i;
    }
    m = m1;
    if (a1 < m) {
      mind[i + 1] = a1;
      m = a1;
    }
    if (m > best) {
      best = m;
      bi = i + 1;
    }
    m = m2;
    if (a2 < m) {
      mind[i + 2] = a2;
      m = a2;
    }
    if (m > best) {
      best = m;
      bi = i + 2;
    }
    m = m3;
    if (a3 < m) {
      mind[i + 3] = a3;
      m = a3;
    }
    if (m > best) {
      best = m;
      bi = i + 3;
    }
  }
  for (; i < end; i++) {
    const o = i * d;
    const mi = mind[i]!;
    let a = 0;
    for (let j = 0; j < d; j++) {
      const t = data[o + j]! - p[j]!;
      a += t * t;
      if ((j & 7) === 7 && a >= mi) break;
    }
    let m = mi;
    if (a < m) {
      mind[i] = a;
      m = a;
    }
    if (m > best) {
      best = m;
      bi = i;
    }
  }
  out[0] = best;
  out[1] = bi;
}

/** Largest mind[i] over [start, end) and its lowest index (no update), into out. */
export function argmaxRange(mind: Float64Array, start: number, end: number, out: Float64Array): void {
  let best = -1;
  let bi = -1;
  for (let i = start; i < end; i++) {
    const m = mind[i]!;
    if (m > best) {
      best = m;
      bi = i;
    }
  }
  out[0] = best;
  out[1] = bi;
}

/** Copies row r of data into p (float64). */
export function loadRow(data: Float32Array, d: number, r: number, p: Float64Array): void {
  const o = r * d;
  for (let j = 0; j < d; j++) p[j] = data[o + j]!;
}
