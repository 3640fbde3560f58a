/**
 * Eigen-decomposition of a real symmetric matrix in O(d^3) once: Householder
 * reduction to tridiagonal form, then the implicit QL algorithm with shifts
 * (the EISPACK routines tred2 and tql2, as in JAMA's EigenvalueDecomposition;
 * Wilkinson & Reinsch, "Handbook for Automatic Computation II", 1971). The
 * cyclic Jacobi method (pca.ts) costs O(d^3) per sweep and needs several
 * sweeps: at d = 852 (the polar Fourier descriptors of a colour image) a
 * minute against well under a second here.
 */

/**
 * @param a symmetric d x d matrix, row-major (not modified).
 * @returns eigenvalues (ascending) and eigenvectors as the columns of a row-major d x d matrix.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const n = d;
  // V as rows of Float64Array for the row/column work below.
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from(a.subarray(i * n, (i + 1) * n)));
  const dd = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: dd, vectors: new Float64Array(0) };

  // tred2: Householder reduction to tridiagonal form.
  for (let j = 0; j < n; j++) dd[j] = V[n - 1]![j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(dd[k]!);
    if (scale === 0) {
      e[i] = dd[i - 1]!;
      for (let j = 0; j < i; j++) {
        dd[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
        V[j]![i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        dd[k] = dd[k]! / scale;
        h += dd[k]! * dd[k]!;
      }
      let f = dd[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      dd[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = dd[j]!;
        V[j]![i] = f;
        g = e[j]! + V[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k]![j]! * dd[k]!;
          e[k] = e[k]! + V[k]![j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * dd[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * dd[j]!;
      for (let j = 0; j < i; j++) {
        f = dd[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[k]![j] = V[k]![j]! - (f * e[k]! + g * dd[k]!);
        dd[j] = V[i - 1]![j]!;
        V[i]![j] = 0;
      }
    }
    dd[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[n - 1]![i] = V[i]![i]!;
    V[i]![i] = 1;
    const h = dd[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) dd[k] = V[k]![i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k]![i + 1]! * V[k]![j]!;
        for (let k = 0; k <= i; k++) V[k]![j] = V[k]![j]! - g * dd[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[k]![i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    dd[j] = V[n - 1]![j]!;
    V[n - 1]![j] = 0;
  }
  V[n - 1]![n - 1] = 1;
  e[0] = 0;

  // tql2: implicit QL on the tridiagonal matrix, accumulating into V.
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(dd[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) break; // does not happen for symmetric input; guards a NaN
        let g = dd[l]!;
        let p = (dd[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        dd[l] = e[l]! / (p + r);
        dd[l + 1] = e[l]! * (p + r);
        const dl1 = dd[l + 1]!;
        let h = g - dd[l]!;
        for (let i = l + 2; i < n; i++) dd[i] = dd[i]! - h;
        f += h;
        p = dd[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * dd[i]! - s * g;
          dd[i + 1] = h + s * (c * g + s * dd[i]!);
          for (let k = 0; k < n; k++) {
            const row = V[k]!;
            h = row[i + 1]!;
            row[i + 1] = s * row[i]! + c * h;
            row[i] = c * row[i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        dd[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    dd[l] = dd[l]! + f;
    e[l] = 0;
  }
  // Ascending order, vectors with their values.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => dd[x]! - dd[y]!);
  const values = Float64Array.from(order, (i) => dd[i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = V[r]![order[c]!]!;
  return { values, vectors };
}
