/**
 * The aligned exemplar model: centreOnCentroid against hand-worked cases, and
 * on real MNIST digits copied the way the redundant pool copies its objects
 * (a shift of a few pixels, then a turn about the image centre) the aligned
 * model finds each copy's angle where the unaligned one often cannot.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/main/ml/backend.js';
import {
  centreOnCentroid,
  exemplarOptionsFor,
  isExemplarModel,
  matchExemplars,
  predictExemplarAngles,
  subsetMatches,
} from '../../src/main/ml/exemplar-orientation.js';
import { angularErrorDeg as angularErrorDegrees, type Degrees, type AnglePeriod } from '../../src/shared/angle.js';
import { mulberry32 } from '../../src/shared/random.js';
import { mnistDigits, placeAndRotate } from './fixtures.js';

/** The angular error of plain numbers of degrees (the arrays and truth files here hold degrees). */
const angularErrorDeg = (a: number, b: number, period?: AnglePeriod): number => angularErrorDegrees(a as Degrees, b as Degrees, period);

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('centreOnCentroid', () => {
  it('moves a 2 x 2 block from a corner region to the centre of a 16 x 16 gray image', () => {
    const s = 16;
    const img = new Uint8Array(s * s);
    for (const [x, y] of [
      [3, 4],
      [4, 4],
      [3, 5],
      [4, 5],
    ] as const)
      img[y * s + x] = 200; // centroid (3.5, 4.5)
    const out = centreOnCentroid(img, 1, s, 1);
    // Centre (7.5, 7.5): shift by (+4, +3).
    const lit: [number, number][] = [];
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) if (out[y * s + x]! > 0) lit.push([x, y]);
    expect(lit).toEqual([
      [7, 7],
      [8, 7],
      [7, 8],
      [8, 8],
    ]);
    for (const [x, y] of lit) expect(out[y * s + x]).toBe(200);
  });

  it('measures contrast against the background (corners) and fills with it; RGB channels move together; a flat image stays', () => {
    const s = 8;
    const ch = 3;
    const img = new Uint8Array(2 * s * s * ch).fill(100); // image 0: gray background; image 1: flat
    // A dark pixel (contrast 100 on every channel) at (1, 6) of image 0: centre 3.5 -> shift (+2.5, -2.5) rounds to (+3, -3) (Math.round(2.5) = 3, Math.round(-2.5) = -2).
    for (let k = 0; k < ch; k++) img[(6 * s + 1) * ch + k] = 0;
    const out = centreOnCentroid(img, 2, s, ch);
    const dark: number[] = [];
    for (let p = 0; p < s * s; p++) if (out[p * ch] === 0) dark.push(p);
    expect(dark).toEqual([4 * s + 4]); // (1 + 3, 6 - 2)
    for (let k = 0; k < ch; k++) expect(out[(4 * s + 4) * ch + k]).toBe(0);
    // Everything else (including pixels shifted in from outside) is the background value.
    for (let p = 0; p < s * s; p++) if (p !== 4 * s + 4) for (let k = 0; k < ch; k++) expect(out[p * ch + k]).toBe(100);
    expect(Array.from(out.subarray(s * s * ch))).toEqual(Array.from(img.subarray(s * s * ch)));
  });
});

/** Shift a 28 x 28 digit by whole pixels (what the redundant pool's jitter does before the turn). */
function shiftDigit(d: Uint8Array, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sy >= 0 && sx < 28 && sy < 28) out[y * 28 + x] = d[sy * 28 + sx]!;
    }
  return out;
}

describe('aligned exemplar model on shifted, turned copies of real digits', () => {
  it('predicts every copy within 3 degrees from its own shifted exemplar; the unaligned model misses several', () => {
    const S = 40;
    const N = 20;
    const { pixels } = mnistDigits(N, 0, [2, 3, 4, 5, 7]);
    const rnd = mulberry32(77);
    const exSrc = new Uint8Array(N * 784);
    const qSrc = new Uint8Array(N * 784);
    const exAngles = new Float32Array(N);
    const qAngles = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      const d = pixels.subarray(i * 784, (i + 1) * 784);
      // Exemplar and query: the same digit, each with its own shift (|d| up to 3 px, never both zero apart) and turn.
      const sx = [Math.floor(rnd() * 7) - 3, Math.floor(rnd() * 7) - 3];
      exSrc.set(shiftDigit(d, sx[0]!, sx[1]!), i * 784);
      qSrc.set(shiftDigit(d, -sx[0]! || 2, -sx[1]! || -2), i * 784);
      exAngles[i] = rnd() * 360;
      qAngles[i] = rnd() * 360;
    }
    const ex = placeAndRotate(exSrc, N, S, exAngles);
    const q = placeAndRotate(qSrc, N, S, qAngles);
    // Exemplar i labeled with its own angle; query i shows the same digit at qAngles[i].
    const plain = predictExemplarAngles(ex, exAngles, q, N, S, 1, false, exemplarOptionsFor('exemplar'));
    const aligned = predictExemplarAngles(ex, exAngles, q, N, S, 1, false, exemplarOptionsFor('aligned-exemplar'));
    const errP = Array.from(qAngles, (a, i) => angularErrorDeg(plain.anglesDeg[i]!, a));
    const errA = Array.from(qAngles, (a, i) => angularErrorDeg(aligned.anglesDeg[i]!, a));
    console.log(`shifted copies: unaligned within 3 deg ${errP.filter((e) => e <= 3).length}/${N}, aligned ${errA.filter((e) => e <= 3).length}/${N}`);
    for (const e of errA) expect(e).toBeLessThan(3);
    expect(Array.from(aligned.exemplar)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(errP.filter((e) => e > 3).length).toBeGreaterThanOrEqual(3);
  });

  it('the matches of a subset of exemplars, read from a match against all of them, equal a match against the subset alone', () => {
    const S = 32;
    const { pixels } = mnistDigits(14, 40, [2, 3, 4, 5, 7]);
    const rnd = mulberry32(5);
    const imgs = placeAndRotate(
      pixels,
      14,
      S,
      Float32Array.from({ length: 14 }, () => rnd() * 360),
    );
    const ex = imgs.subarray(0, 10 * S * S);
    const q = imgs.subarray(10 * S * S);
    const all = matchExemplars(ex, 10, q, 4, S, 1, { align: 'centroid' });
    const cols = [7, 2, 9, 0];
    const picked = new Uint8Array(cols.length * S * S);
    cols.forEach((c, j) => picked.set(ex.subarray(c * S * S, (c + 1) * S * S), j * S * S));
    const direct = matchExemplars(picked, cols.length, q, 4, S, 1, { align: 'centroid' });
    const sub = subsetMatches(all, cols);
    expect(sub.nExemplars).toBe(4);
    for (let k = 0; k < 16; k++) {
      expect(sub.similarity[k]).toBeCloseTo(direct.similarity[k]!, 4);
      expect(angularErrorDeg(sub.turnDeg[k]!, direct.turnDeg[k]!)).toBeLessThan(0.01);
    }
    expect(() => subsetMatches(all, [10])).toThrow(/not an exemplar index/);
    // 'both' keeps, per pair, the better of the plain and the centred match.
    const plain = matchExemplars(ex, 10, q, 4, S, 1, {});
    const both = matchExemplars(ex, 10, q, 4, S, 1, { align: 'both' });
    for (let k = 0; k < 40; k++) {
      const best = Math.max(plain.similarity[k]!, all.similarity[k]!);
      expect(both.similarity[k]).toBeCloseTo(best, 5);
      const turn = plain.similarity[k]! >= all.similarity[k]! ? plain.turnDeg[k]! : all.turnDeg[k]!;
      expect(angularErrorDeg(both.turnDeg[k]!, turn)).toBeLessThan(0.01);
    }
  });

  it('names the exemplar-type models', () => {
    expect(isExemplarModel('exemplar')).toBe(true);
    expect(isExemplarModel('aligned-exemplar')).toBe(true);
    expect(isExemplarModel('regressor')).toBe(false);
    expect(exemplarOptionsFor('aligned-exemplar')).toEqual({ align: 'both' });
    expect(exemplarOptionsFor('exemplar')).toEqual({});
  });
});
