import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/main/ml/symmetric-eigen.js';
import { jacobiEigenSymmetric } from '../../src/main/ml/pca.js';

function randomSymmetric(d: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const r = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = r();
  return a;
}

describe('symmetric eigen-decomposition (Householder + QL)', () => {
  it('a hand-worked 2 x 2 case: [[2, 1], [1, 2]] has eigenvalues 1 and 3 with (1, -1) and (1, 1) / sqrt 2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 12);
    expect(values[1]).toBeCloseTo(3, 12);
    expect(Math.abs(vectors[0 * 2 + 1]!)).toBeCloseTo(Math.SQRT1_2, 12); // column 1 = (1, 1) / sqrt 2 up to sign
    expect(vectors[0 * 2 + 1]! * vectors[1 * 2 + 1]!).toBeCloseTo(0.5, 12);
    expect(vectors[0 * 2 + 0]! * vectors[1 * 2 + 0]!).toBeCloseTo(-0.5, 12);
  });

  for (const d of [1, 3, 17, 60]) {
    it(`d = ${d}: the same eigenvalues as the Jacobi method, A v = lambda v, orthonormal vectors`, () => {
      const a = randomSymmetric(d, d * 7 + 1);
      const { values, vectors } = symmetricEigen(a, d);
      const jac = jacobiEigenSymmetric(a, d);
      const ref = Array.from(jac.values).sort((x, y) => x - y);
      for (let i = 0; i < d; i++) expect(values[i]).toBeCloseTo(ref[i]!, 9);
      for (let c = 0; c < d; c++) {
        for (let r = 0; r < d; r++) {
          let av = 0;
          for (let k = 0; k < d; k++) av += a[r * d + k]! * vectors[k * d + c]!;
          expect(av).toBeCloseTo(values[c]! * vectors[r * d + c]!, 9);
        }
        for (let c2 = 0; c2 < d; c2++) {
          let dot = 0;
          for (let k = 0; k < d; k++) dot += vectors[k * d + c]! * vectors[k * d + c2]!;
          expect(dot).toBeCloseTo(c === c2 ? 1 : 0, 9);
        }
      }
    });
  }

  it('a matrix with repeated eigenvalues (the identity plus a rank-one term)', () => {
    const d = 12;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = (i === j ? 2 : 0) + 1; // 2 I + 1 1^T: eigenvalues 2 (x11) and 2 + 12
    const { values } = symmetricEigen(a, d);
    for (let i = 0; i < d - 1; i++) expect(values[i]).toBeCloseTo(2, 10);
    expect(values[d - 1]).toBeCloseTo(14, 10);
  });
});
