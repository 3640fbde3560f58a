import { describe, expect, it } from 'vitest';
import { polarFourierDescriptors, polarFourierEmbeddings, polarFourierLength } from '../../src/main/ml/polar-fourier.js';
import { pcaProject } from '../../src/main/ml/pca.js';
import { fashionImages, placeAndRotate } from './fixtures.js';
import { mulberry32 } from '../../src/shared/random.js';

/** Turn a gray s x s image clockwise by q quarter turns (a pixel permutation). */
function quarterTurn(img: Uint8Array, s: number, q: number): Uint8Array {
  let cur = img;
  for (let t = 0; t < q; t++) {
    const out = new Uint8Array(s * s);
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out[x * s + (s - 1 - y)] = cur[y * s + x]!;
    cur = out;
  }
  return cur;
}

function dist2(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (a[i * d + k]! - b[j * d + k]!) ** 2;
  return s;
}

/** Share of queries whose nearest reference (brute force) is their own original. */
function ownNearestRate(q: Float32Array, ref: Float32Array, n: number, d: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let arg = -1;
    for (let j = 0; j < n; j++) {
      const v = dist2(q, i, ref, j, d);
      if (v < best) {
        best = v;
        arg = j;
      }
    }
    if (arg === i) ok++;
  }
  return ok / n;
}

const rng = mulberry32;

const S = 64;
const N = 120;

describe('polar Fourier descriptors', () => {
  it('have the length worked out by hand: ring means, 8 magnitudes per ring, 2 x 8 relative phases per adjacent pair', () => {
    // 12 rings, 9 terms: 12 + 12 * 8 + 2 * 11 * 8 = 12 + 96 + 176 = 284 per channel.
    expect(polarFourierLength(1)).toBe(284);
    expect(polarFourierLength(3)).toBe(3 * 284);
    expect(polarFourierLength(1, { rings: 4, harmonics: 3 })).toBe(4 + 8 + 12);
  });

  it('are unit vectors, and all zeros for an image without contrast', () => {
    const imgs = placeAndRotate(fashionImages(3), 3, S);
    const flat = new Uint8Array(S * S).fill(77);
    const all = new Uint8Array(4 * S * S);
    all.set(imgs);
    all.set(flat, 3 * S * S);
    const d = polarFourierLength(1);
    const D = polarFourierDescriptors(all, 4, S, 1);
    for (let i = 0; i < 3; i++) expect(Math.sqrt(dist2(D, i, new Float32Array(d), 0, d))).toBeCloseTo(1, 5);
    expect(Array.from(D.subarray(3 * d, 4 * d)).every((v) => v === 0)).toBe(true);
  });

  it('a rotationally symmetric ring has (almost) no angular harmonics: its energy is in the ring means', () => {
    const s = 32;
    const img = new Uint8Array(s * s);
    const c = (s - 1) / 2;
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) img[y * s + x] = Math.hypot(x - c, y - c) >= 5 && Math.hypot(x - c, y - c) <= 9 ? 220 : 20;
    const D = polarFourierDescriptors(img, 1, s, 1);
    let means = 0;
    for (let r = 0; r < 12; r++) means += D[r]! ** 2;
    // The pixel grid breaks the symmetry only slightly: over 95 % of the unit vector's energy in the 12 ring means.
    expect(means).toBeGreaterThan(0.95);
  });

  it('do not change under quarter turns (a pixel permutation), to rounding', () => {
    const imgs = placeAndRotate(fashionImages(10), 10, S);
    const d = polarFourierLength(1);
    for (let i = 0; i < 10; i++) {
      const one = imgs.slice(i * S * S, (i + 1) * S * S);
      const base = polarFourierDescriptors(one, 1, S, 1);
      for (const q of [1, 2, 3]) {
        const turned = polarFourierDescriptors(quarterTurn(one, S, q), 1, S, 1);
        let maxDiff = 0;
        for (let k = 0; k < d; k++) maxDiff = Math.max(maxDiff, Math.abs(turned[k]! - base[k]!));
        expect(maxDiff).toBeLessThan(1e-5);
      }
    }
  });

  it('on real images, a copy turned by any angle, shifted and dimmed is nearest to its own original (raw pixels: rarely)', () => {
    const src = fashionImages(N);
    const r = rng(7);
    const angles = Array.from({ length: N }, () => r() * 360);
    const originals = placeAndRotate(src, N, S);
    const turned = placeAndRotate(src, N, S, angles);
    // Shift each turned copy by up to 4 px and dim it to 70 %.
    const copies = new Uint8Array(N * S * S);
    for (let i = 0; i < N; i++) {
      const dx = Math.floor(r() * 9) - 4;
      const dy = Math.floor(r() * 9) - 4;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const sx = x - dx;
          const sy = y - dy;
          const v = sx >= 0 && sy >= 0 && sx < S && sy < S ? turned[i * S * S + sy * S + sx]! : 0;
          copies[i * S * S + y * S + x] = Math.round(v * 0.7);
        }
      }
    }
    const d = polarFourierLength(1);
    const rate = ownNearestRate(polarFourierDescriptors(copies, N, S, 1), polarFourierDescriptors(originals, N, S, 1), N, d);
    const px = (a: Uint8Array) => Float32Array.from(a, (v) => v / 255);
    const pixelRate = ownNearestRate(px(copies), px(originals), N, S * S);
    expect(rate).toBeGreaterThanOrEqual(0.95);
    expect(pixelRate).toBeLessThan(0.5);
  });

  it('embeddings: the descriptors on their first k principal axes, each axis checked by brute force', () => {
    const src = fashionImages(60);
    const imgs = placeAndRotate(src, 60, S);
    const len = polarFourierLength(1);
    const D = polarFourierDescriptors(imgs, 60, S, 1);
    const { embeddings, dim, explained } = polarFourierEmbeddings(imgs, 60, S, 1, 8);
    expect(dim).toBe(8);
    expect(explained).toBeGreaterThan(0);
    expect(explained).toBeLessThanOrEqual(1 + 1e-9);
    const { components, mean } = pcaProject(D, 60, len, 8);
    // Orthonormal axes; coordinates are the centred descriptors' dot products with them.
    for (let a = 0; a < 8; a++) {
      for (let b = 0; b < 8; b++) {
        let dot = 0;
        for (let k = 0; k < len; k++) dot += components[a]![k]! * components[b]![k]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 6);
      }
    }
    for (let i = 0; i < 60; i += 7) {
      for (let a = 0; a < 8; a++) {
        let x = 0;
        for (let k = 0; k < len; k++) x += (D[i * len + k]! - mean[k]!) * components[a]![k]!;
        expect(embeddings[i * 8 + a]).toBeCloseTo(x, 4);
      }
    }
    // The first axis carries at least as much variance as any of 300 random unit directions.
    const variance = (dir: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < 60; i++) {
        let x = 0;
        for (let k = 0; k < len; k++) x += (D[i * len + k]! - mean[k]!) * dir[k]!;
        s += x * x;
      }
      return s;
    };
    const top = variance(components[0]!);
    const r = rng(3);
    for (let t = 0; t < 300; t++) {
      const dir = Float64Array.from({ length: len }, () => r() - 0.5);
      const norm = Math.hypot(...dir);
      for (let k = 0; k < len; k++) dir[k] = dir[k]! / norm;
      expect(variance(dir)).toBeLessThanOrEqual(top * (1 + 1e-9));
    }
  });

  it('fitting the axes on a subset of rows projects every row', () => {
    const data = Float32Array.from({ length: 50 * 4 }, (_, i) => Math.sin(i * 1.7) + (i % 4) * 0.3);
    const all = pcaProject(data, 50, 4, 2);
    const sub = pcaProject(data, 50, 4, 2, 10);
    expect(sub.projection.length).toBe(100);
    // Fitted on rows 0, 5, 10, ..., 45: the mean is theirs.
    for (let k = 0; k < 4; k++) {
      let m = 0;
      for (let j = 0; j < 10; j++) m += data[j * 5 * 4 + k]!;
      expect(sub.mean[k]).toBeCloseTo(m / 10, 6);
    }
    expect(all.mean[0]).not.toBeCloseTo(sub.mean[0]!, 6);
  });

  it('a check that throws stops the run (how the embed job cancels)', () => {
    const imgs = placeAndRotate(fashionImages(600), 600, 32);
    let calls = 0;
    expect(() =>
      polarFourierEmbeddings(imgs, 600, 32, 1, 4, {}, () => {
        calls++;
        if (calls === 1) throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(calls).toBe(1);
  });
});
