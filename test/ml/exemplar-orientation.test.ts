/**
 * Exemplar orientation model against independent references:
 * - matchExemplars' similarity and turn equal a brute-force plain-JS
 *   computation (own bilinear rotation, disc mask, zero mean / unit norm,
 *   dot products, max over turns, parabola through the neighbours);
 * - hand-worked cases on a real MNIST digit turned by an exact quarter turn
 *   (rotate90Into) and by sharp (libvips) by 37 degrees: label + turn;
 * - learning on real MNIST digits at seeded known angles: error far below
 *   chance and lower with 150 exemplars than with 10;
 * - errors and tensor bookkeeping.
 * Angles: degrees clockwise from up; an image turned clockwise by phi shows angle + phi.
 * Digits 2, 3, 4, 5, 7 only for the learning test (0, 1, 8 look alike after a
 * half turn; a turned 6 is a 9), as in orientation-model.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { selectBackend } from '../../src/main/ml/backend.js';
import { rotate90Into } from '../../src/main/ml/orientation-model.js';
import { ExemplarBank, matchExemplars, predictExemplarAngles, predictFromMatches } from '../../src/main/ml/exemplar-orientation.js';
import { angularErrorDeg as angularErrorDegrees, summarizeAngularErrors, type Degrees, type AnglePeriod } from '../../src/shared/angle.js';
import { isAppError } from '../../src/shared/errors.js';
import { mulberry32 } from '../../src/shared/random.js';
import { mnistDigits, placeAndRotate } from './fixtures.js';

/** The angular error of plain numbers of degrees (the arrays and truth files here hold degrees). */
const angularErrorDeg = (a: number, b: number, period?: AnglePeriod): number => angularErrorDegrees(a as Degrees, b as Degrees, period);

beforeAll(async () => {
  expect(await selectBackend('wasm')).toBe('wasm');
});

function expectAppError(fn: () => unknown, code: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isAppError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

// ---------------------------------------------------------------------------
// Brute-force reference (plain JS, float64, no tf).

/** Bilinear clockwise turn by p about the centre of an s x s x ch float image; 0 outside. */
function turnJs(src: Float64Array, s: number, ch: number, angleDeg: number): Float64Array {
  const out = new Float64Array(s * s * ch);
  const p = (angleDeg * Math.PI) / 180;
  const c = (s - 1) / 2;
  const at = (x: number, y: number, k: number) => (x < 0 || y < 0 || x >= s || y >= s ? 0 : src[(y * s + x) * ch + k]!);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      // The output offset turned back (counter-clockwise, y down) gives the source point.
      const ix = c + Math.cos(p) * (x - c) + Math.sin(p) * (y - c);
      const iy = c - Math.sin(p) * (x - c) + Math.cos(p) * (y - c);
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const fx = ix - x0;
      const fy = iy - y0;
      for (let k = 0; k < ch; k++) {
        out[(y * s + x) * ch + k] =
          at(x0, y0, k) * (1 - fx) * (1 - fy) + at(x0 + 1, y0, k) * fx * (1 - fy) + at(x0, y0 + 1, k) * (1 - fx) * fy + at(x0 + 1, y0 + 1, k) * fx * fy;
      }
    }
  }
  return out;
}

/** uint8 image i -> float in [0, 1], downsampled by an integer factor f (mean of f x f blocks = bilinear with half-pixel centres). */
function imageJs(buf: Uint8Array, i: number, s: number, ch: number, m: number): Float64Array {
  const f = s / m;
  expect(Number.isInteger(f)).toBe(true);
  const out = new Float64Array(m * m * ch);
  for (let y = 0; y < m; y++) {
    for (let x = 0; x < m; x++) {
      for (let k = 0; k < ch; k++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += buf[i * s * s * ch + ((y * f + dy) * s + (x * f + dx)) * ch + k]!;
        out[(y * m + x) * ch + k] = sum / (f * f) / 255;
      }
    }
  }
  return out;
}

/** Keep the inscribed disc (pixel-centre distance from (m-1)/2 at most m/2), zero mean and unit norm over it. */
function normalizeJs(img: Float64Array, m: number, ch: number): Float64Array {
  const c = (m - 1) / 2;
  const inDisc = (x: number, y: number) => (x - c) ** 2 + (y - c) ** 2 <= (m / 2) ** 2;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < m; y++)
    for (let x = 0; x < m; x++)
      if (inDisc(x, y))
        for (let k = 0; k < ch; k++) {
          sum += img[(y * m + x) * ch + k]!;
          count++;
        }
  const mean = sum / count;
  const out = new Float64Array(m * m * ch);
  let sq = 0;
  for (let y = 0; y < m; y++)
    for (let x = 0; x < m; x++)
      if (inDisc(x, y))
        for (let k = 0; k < ch; k++) {
          const v = img[(y * m + x) * ch + k]! - mean;
          out[(y * m + x) * ch + k] = v;
          sq += v * v;
        }
  const norm = Math.sqrt(sq) + 1e-6;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i]! * b[i]!;
  return t;
}

interface RefMatch {
  sim: number;
  best: number;
  turn: number;
  /** Correlation at every turn r * 360 / R. */
  curve: number[];
}

function referenceMatches(ex: Uint8Array, nEx: number, q: Uint8Array, nQ: number, s: number, ch: number, R: number, m: number): RefMatch[][] {
  const step = 360 / R;
  const exN = Array.from({ length: nEx }, (_, j) => normalizeJs(imageJs(ex, j, s, ch, m), m, ch));
  return Array.from({ length: nQ }, (_, i) => {
    const qi = imageJs(q, i, s, ch, m);
    // Query turned back by r steps (turned clockwise by -r * step).
    const turned = Array.from({ length: R }, (_, r) => normalizeJs(turnJs(qi, m, ch, -r * step), m, ch));
    return exN.map((e) => {
      const curve = turned.map((t) => dot(t, e));
      let best = 0;
      for (let r = 1; r < R; r++) if (curve[r]! > curve[best]!) best = r;
      // Parabola through (-1, a), (0, b), (1, c): vertex at (a - c) / (2 (a - 2b + c)), if it is a maximum.
      const a = curve[(best - 1 + R) % R]!;
      const b = curve[best]!;
      const c = curve[(best + 1) % R]!;
      const curv = a - 2 * b + c;
      const off = curv < 0 ? Math.max(-0.5, Math.min(0.5, (a - c) / (2 * curv))) : 0;
      return { sim: b, best, turn: ((((best + off) * step) % 360) + 360) % 360, curve };
    });
  });
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.floor(r() * 256);
  return a;
}

/** Smooth random pictures (a few Gaussian blobs) so that turns give a clear, curved correlation peak. */
function blobImages(n: number, s: number, ch: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array(n * s * s * ch);
  for (let i = 0; i < n; i++) {
    const blobs = Array.from({ length: 4 }, () => ({ x: r() * s, y: r() * s, w: 1.5 + r() * 2.5, a: 0.3 + r() * 0.7, k: Math.floor(r() * ch) }));
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        for (let k = 0; k < ch; k++) {
          let v = 0;
          for (const b of blobs) if (b.k === k || ch === 1) v += b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.w * b.w));
          out[((i * s + y) * s + x) * ch + k] = Math.round(255 * Math.min(1, v));
        }
      }
    }
  }
  return out;
}

/** Exact quarter turns of uint8 images (rotate90Into), as uint8. */
function quarterTurn(src: Uint8Array, i: number, s: number, ch: number, q: number): Uint8Array {
  const f = new Float32Array(s * s * ch);
  rotate90Into(src, i * s * s * ch, s, ch, q, f, 0, 1);
  return Uint8Array.from(f);
}

describe('matchExemplars against a brute-force reference', () => {
  const cases = [
    { name: 'gray, side 16, 8 turns, matchSize 16', s: 16, ch: 1, R: 8, m: 16 },
    { name: 'gray, side 16 compared at 8 (2x2 mean), 12 turns', s: 16, ch: 1, R: 12, m: 8 },
    { name: 'rgb, side 16, 8 turns, matchSize 16', s: 16, ch: 3, R: 8, m: 16 },
  ];
  for (const cs of cases) {
    it(cs.name, () => {
      const { s, ch, R, m } = cs;
      const per = s * s * ch;
      const nEx = 3;
      const ex = blobImages(nEx, s, ch, 100 + ch + R);
      // Query 0: exemplar 1 turned clockwise by exactly 90 degrees; query 1: noise.
      const q = new Uint8Array(2 * per);
      q.set(quarterTurn(ex, 1, s, ch, 1), 0);
      q.set(randomBytes(per, 7), per);
      const before = tf.memory().numTensors;
      const got = matchExemplars(ex, nEx, q, 2, s, ch, { rotations: R, matchSize: m, chunk: 1 });
      expect(tf.memory().numTensors).toBe(before);
      expect(got.nQueries).toBe(2);
      expect(got.nExemplars).toBe(nEx);
      const ref = referenceMatches(ex, nEx, q, 2, s, ch, R, m);
      const step = 360 / R;
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < nEx; j++) {
          const want = ref[i]![j]!;
          const k = i * nEx + j;
          expect(got.similarity[k]).toBeCloseTo(want.sim, 4);
          expect(angularErrorDeg(got.turnDeg[k]!, want.turn)).toBeLessThan(0.01);
          // The refinement stays within half a step of the best whole step.
          expect(angularErrorDeg(got.turnDeg[k]!, want.best * step)).toBeLessThanOrEqual(step / 2 + 1e-4);
          expect(got.turnDeg[k]).toBeGreaterThanOrEqual(0);
          expect(got.turnDeg[k]).toBeLessThan(360);
        }
      }
      // The exact quarter turn of exemplar 1 is found: best step at 90 degrees, correlation near 1.
      expect(ref[0]![1]!.best * step).toBe(90);
      expect(got.similarity[1]).toBeGreaterThan(0.97);
      expect(got.similarity[1]).toBeGreaterThan(got.similarity[0]!);
      expect(got.similarity[1]).toBeGreaterThan(got.similarity[2]!);
      // Noise matches nothing well.
      for (let j = 0; j < nEx; j++) expect(got.similarity[nEx + j]).toBeLessThan(0.6);
      // Chunking does not change the answer.
      const whole = matchExemplars(ex, nEx, q, 2, s, ch, { rotations: R, matchSize: m });
      for (let k = 0; k < 2 * nEx; k++) {
        expect(whole.similarity[k]).toBeCloseTo(got.similarity[k]!, 5);
        expect(angularErrorDeg(whole.turnDeg[k]!, got.turnDeg[k]!)).toBeLessThan(1e-3);
      }
    });
  }
});

// ---------------------------------------------------------------------------
// Real digits.

/** A 28 x 28 digit centred on a side x side black canvas. */
function padDigit(d: Uint8Array, side: number): Uint8Array {
  const out = new Uint8Array(side * side);
  const o = (side - 28) / 2;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[(y + o) * side + x + o] = d[y * 28 + x]!;
  return out;
}

/**
 * Turn a gray side x side image clockwise by angleDeg with sharp (libvips,
 * which enlarges the canvas), then cut the side x side window centred where
 * the canvas centre went (found by turning a single centre pixel the same way).
 */
async function sharpTurn(img: Uint8Array, side: number, angleDeg: number): Promise<Uint8Array> {
  const turn = (buf: Uint8Array) =>
    sharp(Buffer.from(buf), { raw: { width: side, height: side, channels: 1 } })
      .rotate(angleDeg, { background: { r: 0, g: 0, b: 0, alpha: 1 } })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
  const marker = new Uint8Array(side * side);
  const c = side / 2; // even side: the centre (side-1)/2 is the middle of this 2 x 2 block
  for (const [x, y] of [
    [c - 1, c - 1],
    [c, c - 1],
    [c - 1, c],
    [c, c],
  ] as const)
    marker[y * side + x] = 255;
  const m = await turn(marker);
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let y = 0; y < m.info.height; y++) {
    for (let x = 0; x < m.info.width; x++) {
      const v = m.data[y * m.info.width + x]!;
      sx += v * x;
      sy += v * y;
      sw += v;
    }
  }
  const left = Math.round(sx / sw - (side - 1) / 2);
  const top = Math.round(sy / sw - (side - 1) / 2);
  const t = await turn(img);
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = t.data[(y + top) * t.info.width + x + left]!;
  return out;
}

describe('hand-worked: one MNIST digit as the only exemplar', () => {
  const { pixels } = mnistDigits(5, 0, [2, 3, 4, 5, 7]);
  const digit = pixels.subarray(0, 784); // a real "2"

  it('a quarter turn (exact) of the exemplar labeled 30 is predicted at 120; two quarter turns at 210', () => {
    const S = 32;
    const ex = padDigit(digit, S);
    const q = new Uint8Array(3 * S * S);
    q.set(quarterTurn(ex, 0, S, 1, 1), 0);
    q.set(quarterTurn(ex, 0, S, 1, 2), S * S);
    q.set(quarterTurn(ex, 0, S, 1, 3), 2 * S * S);
    const before = tf.memory().numTensors;
    const p = predictExemplarAngles(ex, [30], q, 3, S, 1, false);
    expect(tf.memory().numTensors).toBe(before);
    expect(angularErrorDeg(p.anglesDeg[0]!, 120)).toBeLessThan(2);
    expect(angularErrorDeg(p.anglesDeg[1]!, 210)).toBeLessThan(2);
    expect(angularErrorDeg(p.anglesDeg[2]!, 300)).toBeLessThan(2);
    expect(Array.from(p.exemplar)).toEqual([0, 0, 0]);
    for (const v of p.similarity) expect(v).toBeGreaterThan(0.95);
    // Axial: 120, 210 -> 30, 300 -> 120, all in [0, 180).
    const a = predictExemplarAngles(ex, [30], q, 3, S, 1, true);
    expect(angularErrorDeg(a.anglesDeg[0]!, 120, 180)).toBeLessThan(2);
    expect(angularErrorDeg(a.anglesDeg[1]!, 30, 180)).toBeLessThan(2);
    expect(angularErrorDeg(a.anglesDeg[2]!, 120, 180)).toBeLessThan(2);
    for (const v of a.anglesDeg) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(180);
    }
  });

  it('the digit turned 37 degrees by sharp is predicted at 30 + 37 = 67 (axial: label 160 -> 17)', async () => {
    const S = 40; // 6 px of margin so the turned digit is not clipped
    const ex = padDigit(digit, S);
    const q = await sharpTurn(ex, S, 37);
    // The turned image is really different from the exemplar (no identity slip).
    let diff = 0;
    for (let k = 0; k < S * S; k++) diff += Math.abs(q[k]! - ex[k]!);
    expect(diff / (S * S)).toBeGreaterThan(10);
    const p = predictExemplarAngles(ex, [30], q, 1, S, 1, false); // defaults: 72 turns, compared at 32 px
    expect(angularErrorDeg(p.anglesDeg[0]!, 67)).toBeLessThan(3);
    expect(p.similarity[0]).toBeGreaterThan(0.85);
    // Axial, label 160: 160 + 37 = 197 -> 17 in [0, 180).
    const a = predictExemplarAngles(ex, [160], q, 1, S, 1, true);
    expect(a.anglesDeg[0]).toBeGreaterThanOrEqual(0);
    expect(a.anglesDeg[0]).toBeLessThan(180);
    expect(angularErrorDeg(a.anglesDeg[0]!, 17, 180)).toBeLessThan(3);
  });
});

describe('learning from MNIST digits at known angles', () => {
  it('150 exemplars predict 60 other digits far below chance, better than 10 exemplars', () => {
    const S = 32;
    const PER = S * S;
    const N_EX = 150;
    const N_Q = 60;
    const allowed = [2, 3, 4, 5, 7];
    const exD = mnistDigits(N_EX, 0, allowed); // samples 0..29 of each digit
    const qD = mnistDigits(N_Q, 200, allowed); // samples 200..211: other images
    const rnd = mulberry32(2024);
    const exAngles = Float32Array.from({ length: N_EX }, () => rnd() * 360);
    const qAngles = Float32Array.from({ length: N_Q }, () => rnd() * 360);
    const ex = placeAndRotate(exD.pixels, N_EX, S, exAngles);
    const q = placeAndRotate(qD.pixels, N_Q, S, qAngles);
    expect(ex.length).toBe(N_EX * PER);

    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const matches = matchExemplars(ex, N_EX, q, N_Q, S, 1);
    const seconds = (performance.now() - t0) / 1000;
    expect(tf.memory().numTensors).toBe(before);

    const full = predictFromMatches(matches, exAngles, N_EX, false);
    const few = predictFromMatches(matches, exAngles, 10, false);
    const maeFull = summarizeAngularErrors(full.anglesDeg, qAngles, 360);
    const maeFew = summarizeAngularErrors(few.anglesDeg, qAngles, 360);
    // Chosen exemplars are among those allowed; the first-n prefix uses only the first n.
    for (const j of few.exemplar) expect(j).toBeLessThan(10);
    for (const j of full.exemplar) expect(j).toBeLessThan(N_EX);
    console.log(
      `exemplar model, ${N_Q} MNIST queries: MAE ${maeFull.maeDeg.toFixed(1)} deg (median ${maeFull.medianDeg.toFixed(1)}, ` +
        `within 10: ${(100 * maeFull.within10).toFixed(0)}%) with ${N_EX} exemplars; MAE ${maeFew.maeDeg.toFixed(1)} deg with 10; ` +
        `match ${seconds.toFixed(2)} s`,
    );
    expect(maeFull.maeDeg).toBeLessThan(40); // chance is 90
    expect(maeFew.maeDeg).toBeGreaterThan(maeFull.maeDeg);
    // Same digit class chosen most of the time (the matching finds the right kind of exemplar).
    let sameDigit = 0;
    for (let i = 0; i < N_Q; i++) if (exD.digits[full.exemplar[i]!] === qD.digits[i]) sameDigit++;
    expect(sameDigit / N_Q).toBeGreaterThan(0.5);

    // A prefix of the matches equals matching against only those exemplars.
    const direct = predictExemplarAngles(ex.subarray(0, 10 * PER), exAngles.subarray(0, 10), q, N_Q, S, 1, false);
    for (let i = 0; i < N_Q; i++) {
      expect(direct.exemplar[i]).toBe(few.exemplar[i]);
      expect(angularErrorDeg(direct.anglesDeg[i]!, few.anglesDeg[i]!)).toBeLessThan(1e-3);
    }
    // Axial labels: predictions in [0, 180) and the axial error no worse than the directed one.
    const axialTruth = qAngles.map((a) => a % 180);
    const ax = predictFromMatches(
      matches,
      exAngles.map((a) => a % 180),
      N_EX,
      true,
    );
    for (const v of ax.anglesDeg) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(180);
    }
    expect(summarizeAngularErrors(ax.anglesDeg, axialTruth, 180).maeDeg).toBeLessThanOrEqual(maeFull.maeDeg + 1e-3);
  });
});

describe('errors and bookkeeping', () => {
  const s = 16;
  const per = s * s;
  const ex = blobImages(2, s, 1, 3);
  const q = blobImages(1, s, 1, 4);

  it('refuses rotations and match sizes out of range, and buffers that do not match their counts', () => {
    const before = tf.memory().numTensors;
    expectAppError(() => matchExemplars(ex, 2, q, 1, s, 1, { rotations: 3 }), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 2, q, 1, s, 1, { rotations: 721 }), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 2, q, 1, s, 1, { rotations: 7.5 }), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 2, q, 1, s, 1, { matchSize: 4 }), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 3, q, 1, s, 1), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 2, q.subarray(0, per - 1), 1, s, 1), 'invalid-argument');
    expectAppError(() => matchExemplars(ex, 2, q, 1, s, 3), 'invalid-argument');
    expectAppError(() => predictExemplarAngles(ex, [10, 20, 30], q, 1, s, 1, false), 'invalid-argument');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs at least one labeled exemplar, and no more than it has', () => {
    const m = matchExemplars(ex, 2, q, 1, s, 1, { rotations: 8 });
    expectAppError(() => predictFromMatches(m, [0, 90], 0, false), 'not-enough-labels');
    expectAppError(() => predictFromMatches(m, [0, 90], 3, false), 'invalid-argument');
    expectAppError(() => predictFromMatches(m, [0], 2, false), 'invalid-argument');
    expectAppError(() => predictExemplarAngles(ex.subarray(0, 0), [], q, 1, s, 1, false), 'not-enough-labels');
  });

  it('keeps predicted angles in [0, period) when label + turn is just below the period (float32 would round it up to the period)', () => {
    // 350 + 9.99999 = 359.99999 in float64, which is 360 once stored as float32; the angle is 0 (= 360).
    const m = { nQueries: 2, nExemplars: 1, similarity: Float32Array.of(0.9, 0.8), turnDeg: Float32Array.of(9.99999, 10) };
    const full = predictFromMatches(m, [350], 1, false).anglesDeg;
    expect(Math.fround(359.99999)).toBe(360); // the rounding this guards against
    expect(Array.from(full)).toEqual([0, 0]);
    // axial: 170 + 9.999999 = 179.999999 -> 180 in float32 -> 0; 170 + 10 = 180 -> 0.
    const axial = predictFromMatches({ ...m, turnDeg: Float32Array.of(9.999999, 10) }, [170], 1, true).anglesDeg;
    expect(Math.fround(179.999999)).toBe(180);
    expect(Array.from(axial)).toEqual([0, 0]);
  });

  it('many large exemplars (converted in slices) match exactly as each exemplar does on its own', () => {
    // 64 px RGB: 12288 values per image, so 350 exemplars (4.3 M values) span two conversion slices.
    const big = 64;
    const per3 = big * big * 3;
    const n = 350;
    const exs = blobImages(n, big, 3, 11);
    const qs = blobImages(2, big, 3, 12);
    const before = tf.memory().numTensors;
    const all = matchExemplars(exs, n, qs, 2, big, 3, { rotations: 12 });
    expect(tf.memory().numTensors).toBe(before);
    for (const j of [0, 200, 340, 349]) {
      const one = matchExemplars(exs.subarray(j * per3, (j + 1) * per3), 1, qs, 2, big, 3, { rotations: 12 });
      for (let i = 0; i < 2; i++) {
        expect(all.similarity[i * n + j]).toBeCloseTo(one.similarity[i]!, 5);
        expect(angularErrorDeg(all.turnDeg[i * n + j]!, one.turnDeg[i]!)).toBeLessThan(1e-3);
      }
    }
  });
});

describe('ExemplarBank', () => {
  it('adding exemplars in parts matches adding them at once (the predictor adds labels one by one)', () => {
    const s = 16;
    const ex = blobImages(7, s, 1, 41);
    const q = blobImages(3, s, 1, 42);
    const per = s * s;
    const whole = matchExemplars(ex, 7, q, 3, s, 1, { rotations: 12 });
    const before = tf.memory().numTensors;
    const bank = new ExemplarBank(s, 1, { rotations: 12 });
    bank.add(ex.subarray(0, 4 * per), 4);
    bank.add(ex.subarray(4 * per, 6 * per), 2);
    bank.add(ex.subarray(6 * per), 1);
    expect(bank.size).toBe(7);
    const parts = bank.match(q, 3);
    bank.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (let k = 0; k < whole.similarity.length; k++) {
      expect(parts.similarity[k]).toBeCloseTo(whole.similarity[k]!, 5);
      expect(parts.turnDeg[k]).toBeCloseTo(whole.turnDeg[k]!, 3);
    }
    expect(() => new ExemplarBank(s, 1).match(q, 3)).toThrow(/at least one labeled image/);
  });
});
