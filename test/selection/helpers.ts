/** Test data and independent reference implementations for the selection tests. */

/** Small LCG (Numerical Recipes constants), independent of src/shared/random.ts. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function randomData(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = r() * 2 - 1;
  return a;
}

/** Rows on a coarse integer grid with many repeated rows: many exact distance ties. */
export function tiedData(n: number, d: number, seed: number): Float32Array {
  const r = lcg(seed);
  const a = new Float32Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = Math.floor(r() * 3);
  // plus exact duplicate rows
  for (let i = 1; i < n; i += 5) for (let j = 0; j < d; j++) a[i * d + j] = a[(i - 1) * d + j]!;
  return a;
}

/** Squared distance, plain loop, written here independently of the product code. */
export function dist2(data: Float32Array, d: number, a: number, b: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = data[a * d + j]! - data[b * d + j]!;
    s += t * t;
  }
  return s;
}

/**
 * Brute-force furthest point sampling: at every step recompute, for every
 * candidate, its distance to every chosen point and label; take the largest
 * minimum, lowest index on ties. first = the pick used when nothing is labeled.
 */
export function bruteForceFps(data: Float32Array, n: number, d: number, labeled: number[], k: number, first: number): { order: number[]; radius: number[] } {
  const chosen: number[] = [...labeled];
  const order: number[] = [];
  const radius: number[] = [];
  while (order.length < k) {
    if (chosen.length === 0) {
      chosen.push(first);
      order.push(first);
      radius.push(Infinity);
      continue;
    }
    let best = -1;
    let bi = -1;
    for (let x = 0; x < n; x++) {
      if (chosen.includes(x)) continue;
      let m = Infinity;
      for (const c of chosen) m = Math.min(m, dist2(data, d, x, c));
      if (m > best) {
        best = m;
        bi = x;
      }
    }
    chosen.push(bi);
    order.push(bi);
    radius.push(Math.sqrt(best));
  }
  return { order, radius };
}

/**
 * Three dense Gaussian-ish blobs of different sizes in 2-D plus far outliers.
 * Returns the data and, for checking, which rows are outliers and each blob's centre.
 */
export function blobsWithOutliers(seed = 7): {
  data: Float32Array;
  n: number;
  d: number;
  outliers: number[];
  blobOf: number[];
  centres: number[][];
} {
  const r = lcg(seed);
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  const sizes = [120, 60, 30];
  const rows: number[][] = [];
  const blobOf: number[] = [];
  const gauss = (): number => {
    // sum of uniforms: bounded, roughly normal, sd ~ 0.5
    let s = 0;
    for (let i = 0; i < 6; i++) s += r();
    return (s - 3) * 0.7;
  };
  sizes.forEach((sz, b) => {
    for (let i = 0; i < sz; i++) {
      rows.push([centres[b]![0]! + gauss(), centres[b]![1]! + gauss()]);
      blobOf.push(b);
    }
  });
  const outlierPts = [
    [30, 30],
    [-25, 5],
    [5, -28],
    [25, -20],
  ];
  const outliers: number[] = [];
  for (const p of outlierPts) {
    outliers.push(rows.length);
    rows.push(p);
    blobOf.push(-1);
  }
  // interleave deterministically so blobs are not contiguous in the row order
  const perm = rows.map((_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const inv = new Array<number>(perm.length);
  perm.forEach((old, nw) => {
    inv[old] = nw;
  });
  const n = rows.length;
  const d = 2;
  const data = new Float32Array(n * d);
  const blobOf2 = new Array<number>(n);
  perm.forEach((old, nw) => {
    data[nw * 2] = rows[old]![0]!;
    data[nw * 2 + 1] = rows[old]![1]!;
    blobOf2[nw] = blobOf[old]!;
  });
  return { data, n, d, outliers: outliers.map((o) => inv[o]!), blobOf: blobOf2, centres };
}
