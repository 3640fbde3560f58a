/**
 * Coverage of the variety (the paper's Fig. 1 in numbers), for truth files
 * that name each image's group (object, source or class):
 * - distinct groups among the first n images of an order;
 * - the oracle: min(n, groups in the pool), what an order that knew the
 *   groups could cover;
 * - the embedding's nearest-neighbour same-group rate: the share of pool
 *   images whose nearest other image in the latent space (Euclidean, brute
 *   force) is of the same group. High when near-copies collapse together.
 */

/** Columns of a truth file that name an image's group, in order of preference. */
export const GROUP_COLUMNS = ['source', 'group', 'class'] as const;

/** Distinct groups among the first n rows of `order`, for every n in `sizes` (ascending or not). */
export function distinctGroupsInPrefixes(order: ArrayLike<number>, groupOfRow: ArrayLike<number>, sizes: readonly number[]): number[] {
  const maxN = Math.min(order.length, Math.max(0, ...sizes));
  // distinct[n] for n = 0..maxN, one pass.
  const distinct = new Int32Array(maxN + 1);
  const seen = new Set<number>();
  for (let i = 0; i < maxN; i++) {
    const g = groupOfRow[order[i]!]!;
    if (g >= 0) seen.add(g);
    distinct[i + 1] = seen.size;
  }
  return sizes.map((n) => distinct[Math.min(n, maxN)]!);
}

/** Number of distinct groups (codes >= 0) in a set of rows. */
export function groupCount(groupOfRow: ArrayLike<number>): number {
  const s = new Set<number>();
  for (let i = 0; i < groupOfRow.length; i++) if (groupOfRow[i]! >= 0) s.add(groupOfRow[i]!);
  return s.size;
}

/**
 * Share of rows (with a group) whose nearest other row (squared Euclidean
 * distance over `dim` values, ties to the lower row) has the same group.
 */
export function nearestNeighbourSameGroupRate(data: Float32Array, n: number, dim: number, groupOfRow: ArrayLike<number>): number | null {
  let same = 0;
  let counted = 0;
  for (let i = 0; i < n; i++) {
    if (groupOfRow[i]! < 0) continue;
    let best = Infinity;
    let bestJ = -1;
    const oi = i * dim;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const oj = j * dim;
      let d = 0;
      for (let k = 0; k < dim; k++) {
        const t = data[oi + k]! - data[oj + k]!;
        d += t * t;
        if (d >= best) break;
      }
      if (d < best) {
        best = d;
        bestJ = j;
      }
    }
    if (bestJ < 0) continue;
    counted++;
    if (groupOfRow[bestJ] === groupOfRow[i]) same++;
  }
  return counted === 0 ? null : same / counted;
}

/**
 * The highest nearest-neighbour same-group rate any embedding could reach:
 * the share of rows (with a group) whose group has at least one other row.
 * A row alone in its group has no neighbour of its group to find.
 */
export function nearestNeighbourCeiling(groupOfRow: ArrayLike<number>): number | null {
  const count = new Map<number, number>();
  let counted = 0;
  for (let i = 0; i < groupOfRow.length; i++) {
    const g = groupOfRow[i]!;
    if (g < 0) continue;
    counted++;
    count.set(g, (count.get(g) ?? 0) + 1);
  }
  if (counted < 2) return null;
  let withSibling = 0;
  for (const c of count.values()) if (c > 1) withSibling += c;
  return withSibling / counted;
}
