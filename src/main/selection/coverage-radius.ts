/**
 * Coverage radius of any order: for each entry, the Euclidean latent distance
 * to the nearest earlier entry or labeled row (Infinity when nothing precedes
 * it). The same quantity furthest point sampling records, for orders made by
 * other rules. O(n (|order| + |labeled|) d).
 */
import { loadRow, updateMinDistRange } from './fps-kernel.js';

/** Incremental min-distance keys over all rows (squared, float64; -1 for centres). */
export class CoverageTracker {
  readonly mind: Float64Array;
  private readonly p: Float64Array;
  private readonly out = new Float64Array(2);
  private centres = 0;
  constructor(
    private readonly data: Float32Array,
    private readonly n: number,
    private readonly d: number,
  ) {
    this.mind = new Float64Array(n).fill(Infinity);
    this.p = new Float64Array(d);
  }
  /** Squared distance of row x to the nearest centre (Infinity when there is none). */
  key(x: number): number {
    return this.mind[x]!;
  }
  /** Distance of row x to the nearest centre; Infinity with no centre yet. */
  radius(x: number): number {
    const m = this.mind[x]!;
    return m === Infinity ? Infinity : Math.sqrt(Math.max(0, m));
  }
  /** Makes row x a centre: its key becomes -1 and every other key is updated. */
  add(x: number): void {
    this.mind[x] = -1;
    loadRow(this.data, this.d, x, this.p);
    updateMinDistRange(this.data, this.d, this.p, this.mind, 0, this.n, this.out);
    this.centres++;
  }
  /** Largest key among non-centres and its lowest index ([-1, -1] when none). Valid right after add(). */
  furthest(): [number, number] {
    return [this.out[0]!, this.out[1]!];
  }
  get size(): number {
    return this.centres;
  }
}

/**
 * Coverage radii of `order` given labeled rows: radius[t] = distance from
 * order[t] to the nearest of labeled and order[0..t-1].
 */
export function coverageRadii(data: Float32Array, n: number, d: number, labeled: ArrayLike<number>, order: ArrayLike<number>): Float64Array {
  const tr = new CoverageTracker(data, n, d);
  for (let i = 0; i < labeled.length; i++) tr.add(labeled[i]!);
  const out = new Float64Array(order.length);
  for (let t = 0; t < order.length; t++) {
    out[t] = tr.radius(order[t]!);
    if (t + 1 < order.length) tr.add(order[t]!);
  }
  return out;
}
