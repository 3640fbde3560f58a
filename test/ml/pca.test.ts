/**
 * pca2d against hand-worked examples and an independent reference
 * (power iteration with deflation in float64).
 */
import { describe, expect, it } from 'vitest';
import { jacobiEigenSymmetric, pca2d } from '../../src/main/ml/pca.js';
import { isAppError } from '../../src/shared/errors.js';
import { mulberry32 } from '../../src/shared/random.js';

describe('pca2d', () => {
  it('hand-worked 2-D example: covariance [[10/3, 2], [2, 10/3]]', () => {
    // Points (2,2), (-2,-2), (1,-1), (-1,1): mean 0, covariance (divisor n-1 = 3)
    // [[10/3, 2], [2, 10/3]] -> eigenvalues 16/3 and 4/3 along (1,1)/sqrt2 and (1,-1)/sqrt2.
    const r = pca2d(new Float32Array([2, 2, -2, -2, 1, -1, -1, 1]), 4, 2);
    expect(r.explained[0]).toBeCloseTo(0.8, 6);
    expect(r.explained[1]).toBeCloseTo(0.2, 6);
    const s2 = Math.SQRT2;
    // Sign convention: the largest-|entry| of each axis is positive (tie -> first entry).
    expect(Array.from(r.components[0])).toEqual([expect.closeTo(1 / s2, 6), expect.closeTo(1 / s2, 6)]);
    expect(Array.from(r.components[1])).toEqual([expect.closeTo(1 / s2, 6), expect.closeTo(-1 / s2, 6)]);
    const expected = [2 * s2, 0, -2 * s2, 0, 0, s2, 0, -s2];
    r.projection.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('points on a line in 3-D: one axis explains everything, projection = line parameter', () => {
    const u = [1 / 3, 2 / 3, 2 / 3];
    const ts = [-2, -1, 0, 1, 2, 3];
    const data = new Float32Array(ts.flatMap((t) => u.map((c) => 5 + t * c)));
    const r = pca2d(data, ts.length, 3);
    expect(r.explained[0]).toBeCloseTo(1, 6);
    expect(r.explained[1]).toBeCloseTo(0, 6);
    r.components[0].forEach((c, i) => expect(c).toBeCloseTo(u[i]!, 5));
    const meanT = ts.reduce((a, b) => a + b) / ts.length;
    ts.forEach((t, i) => {
      expect(r.projection[2 * i]).toBeCloseTo(t - meanT, 4);
      expect(r.projection[2 * i + 1]).toBeCloseTo(0, 4);
    });
  });

  it('matches power iteration with deflation on random anisotropic data', () => {
    const n = 300;
    const d = 7;
    const rnd = mulberry32(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const scales = [5, 3, 2, 1, 0.5, 0.3, 0.1];
    // Random rotation-ish mixing so the axes are not the coordinate axes.
    const mix = Array.from({ length: d * d }, () => gauss());
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const z = scales.map((s) => s * gauss());
      for (let j = 0; j < d; j++) {
        let v = 10;
        for (let k = 0; k < d; k++) v += mix[j * d + k]! * z[k]!;
        data[i * d + j] = v;
      }
    }
    // Reference: covariance in float64 by the two-pass textbook formula, then power iteration.
    const mean = new Array(d).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j]! / n;
    const cov = Array.from({ length: d }, (_, p) =>
      Array.from({ length: d }, (_, q) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += (data[i * d + p]! - mean[p]) * (data[i * d + q]! - mean[q]);
        return s / (n - 1);
      }),
    );
    const trace = cov.reduce((s, row, i) => s + row[i]!, 0);
    const power = (m: number[][]) => {
      let v = new Array(d).fill(1).map((_, i) => 1 + i * 0.1);
      let lambda = 0;
      for (let it = 0; it < 5000; it++) {
        const w = m.map((row) => row.reduce((s, x, k) => s + x * v[k]!, 0));
        lambda = Math.hypot(...w);
        v = w.map((x) => x / lambda);
      }
      const big = v.reduce((b, x, k) => (Math.abs(x) > Math.abs(v[b]!) ? k : b), 0);
      if (v[big]! < 0) v = v.map((x) => -x);
      return { v, lambda };
    };
    const e1 = power(cov);
    const deflated = cov.map((row, p) => row.map((x, q) => x - e1.lambda * e1.v[p]! * e1.v[q]!));
    const e2 = power(deflated);

    const r = pca2d(data, n, d);
    expect(r.explained[0]).toBeCloseTo(e1.lambda / trace, 5);
    expect(r.explained[1]).toBeCloseTo(e2.lambda / trace, 5);
    r.components[0].forEach((c, k) => expect(c).toBeCloseTo(e1.v[k]!, 4));
    r.components[1].forEach((c, k) => expect(c).toBeCloseTo(e2.v[k]!, 4));
    for (let i = 0; i < n; i += 37) {
      let x = 0;
      let y = 0;
      for (let j = 0; j < d; j++) {
        x += (data[i * d + j]! - mean[j]) * e1.v[j]!;
        y += (data[i * d + j]! - mean[j]) * e2.v[j]!;
      }
      expect(r.projection[2 * i]).toBeCloseTo(x, 2);
      expect(r.projection[2 * i + 1]).toBeCloseTo(y, 2);
    }
  });

  it('Jacobi eigen-decomposition reconstructs a symmetric matrix: A v = lambda v', () => {
    const a = new Float64Array([4, 1, -2, 2, 1, 2, 0, 1, -2, 0, 3, -2, 2, 1, -2, -1]);
    const { values, vectors } = jacobiEigenSymmetric(a, 4);
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        let av = 0;
        for (let k = 0; k < 4; k++) av += a[r * 4 + k]! * vectors[k * 4 + c]!;
        expect(av).toBeCloseTo(values[c]! * vectors[r * 4 + c]!, 10);
      }
    }
    // Trace is preserved.
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(4 + 2 + 3 - 1, 10);
  });

  it('degenerate inputs: one point, d = 1, constant data', () => {
    expect(Array.from(pca2d(new Float32Array([1, 2, 3]), 1, 3).projection)).toEqual([0, 0]);
    const one = pca2d(new Float32Array([1, 3, 5]), 3, 1);
    expect(Array.from(one.projection)).toEqual([-2, 0, 0, 0, 2, 0]);
    expect(one.explained).toEqual([1, 0]);
    expect(pca2d(new Float32Array(12).fill(7), 4, 3).explained).toEqual([0, 0]);
  });

  it('refuses mismatched sizes and non-finite values with AppError(invalid-argument)', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isAppError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => pca2d(new Float32Array(5), 2, 3))).toBe('invalid-argument');
    expect(codeOf(() => pca2d(new Float32Array(0), 0, 3))).toBe('invalid-argument');
    expect(codeOf(() => pca2d(new Float32Array([1, NaN]), 1, 2))).toBe('invalid-argument');
  });
});
