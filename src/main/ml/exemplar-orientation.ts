/**
 * Exemplar orientation model: rotation-aware nearest-exemplar matching.
 *
 * The labeled images are the model. For a query image, every exemplar is
 * compared with the query turned back by each of R angles (360 / R degrees
 * apart); the exemplar and turn with the highest normalized cross-correlation
 * win, and the query's angle is the exemplar's label plus that turn (a query
 * that looks like the exemplar turned clockwise by phi points at label + phi).
 * The turn is refined to a fraction of a step by a parabola through the
 * correlations at the best step and its two neighbours.
 *
 * This is classical template matching (normalized cross-correlation; Lewis,
 * "Fast normalized cross-correlation", Vision Interface 1995) over a rotation
 * orbit, used as a 1-nearest-neighbour regressor (Cover & Hart 1967). It needs
 * no training, so a curve point costs one matrix product, and one labeled image
 * stands for its whole rotation orbit: an image that repeats an exemplar at
 * another angle is predicted from it, which is exactly the redundancy a novelty
 * order avoids labeling twice.
 *
 * Comparison is on the disc inscribed in the image (so turning never brings
 * corners in or out of view), at a matching size of at most `matchSize` px
 * (images are resized down bilinearly), pixels zero-mean and unit-norm over the
 * disc per image (so brightness and contrast do not matter), all channels.
 *
 * Alignment (`align: 'centroid'`, the 'aligned-exemplar' model): every image is
 * first shifted (whole pixels) so that the centroid of its contrast against the
 * background (|pixel - mean of the corners outside the disc|) sits at the image
 * centre. Turning is about the centre, so without it two copies of one object
 * shifted by a few pixels never line up at any turn: the shift turns with the
 * object. Measured on the redundant pool with an independent test (64 px
 * inputs, every pool image an exemplar): the best match is a copy of the same
 * object for 45 % of test images unaligned, 94 % aligned; the best same-object
 * exemplar gives an angle within 10 degrees for 74 % unaligned, 100 % aligned.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors.js';
import { periodOf, wrapDegreesFloat32 } from '../../shared/angle.js';
import { checkImages } from './autoencoder.js';
import { rotateBatchClockwise } from './rotation-augment.js';
import type { OrientationModelKind } from '../../shared/types.js';
import { centreOnCentroid, discMask, normalizeOnDisc, toMatchTensor } from './exemplar-match-input.js';

export { centreOnCentroid } from './exemplar-match-input.js';

export interface ExemplarMatchOptions {
  /** Turns tried per exemplar: 360 / rotations degrees apart (default 72 = 5 degrees; at least 4). */
  readonly rotations?: number;
  /** Side in px the images are compared at (default 32; never above the input size). */
  readonly matchSize?: number;
  /** Queries per matrix product (default: at most 16, fewer so that chunk x exemplars x rotations stays near 2 million floats). */
  readonly chunk?: number;
  /**
   * 'centroid': shift every image so its contrast centroid is at the centre before matching;
   * 'both': match as given and centred, and keep, per pair, the one that correlates better (default 'none').
   */
  readonly align?: ExemplarAlign;
}

export type ExemplarAlign = 'none' | 'centroid' | 'both';

/** Matching options of an exemplar-type orientation model ('exemplar': unaligned; 'aligned-exemplar': centroid-aligned). */
export function exemplarOptionsFor(model: OrientationModelKind): ExemplarMatchOptions {
  return model === 'aligned-exemplar' ? { align: 'both' } : {};
}

/** Whether a model kind is matched exemplar by exemplar (no training), as opposed to the trained regressor. */
export function isExemplarModel(model: OrientationModelKind): boolean {
  return model === 'exemplar' || model === 'aligned-exemplar';
}

/** Best match of every query against every exemplar. */
export interface ExemplarMatches {
  readonly nQueries: number;
  readonly nExemplars: number;
  /** nQueries x nExemplars, row-major: highest correlation over the turns, in [-1, 1]. */
  readonly similarity: Float32Array;
  /** nQueries x nExemplars: the refined turn in degrees clockwise, [0, 360), that the query shows the exemplar at. */
  readonly turnDeg: Float32Array;
}

export const DEFAULT_EXEMPLAR_ROTATIONS = 72;
export const DEFAULT_MATCH_SIZE = 32;

/**
 * Normalized exemplars kept between matches: labeled images are normalized
 * once, when added, so a predictor that sees labels arrive one by one only
 * prepares the new ones. Owns tensors: dispose() it.
 */
export class ExemplarBank {
  readonly rotations: number;
  readonly matchSize: number;
  private rows: tf.Tensor2D | null = null;
  private count = 0;
  private readonly mask: tf.Tensor4D;
  /** With align 'both': the centred twin (this bank matches the images as given). */
  private readonly twin: ExemplarBank | null;

  /**
   * @param s image side (px) of the model inputs; ch their channels.
   * @throws AppError('invalid-argument') for rotations outside 4..720 or a matching size below 8 px.
   */
  constructor(
    readonly s: number,
    readonly ch: number,
    private readonly opts: ExemplarMatchOptions = {},
  ) {
    const R = opts.rotations ?? DEFAULT_EXEMPLAR_ROTATIONS;
    if (!Number.isInteger(R) || R < 4 || R > 720) throw new AppError('invalid-argument', `rotations must be an integer in 4..720, got ${R}`);
    const m = Math.min(s, opts.matchSize ?? DEFAULT_MATCH_SIZE);
    if (!Number.isInteger(m) || m < 8)
      throw new AppError(
        'invalid-argument',
        `the matching size must be a whole number of at least 8 px, got ${m} (matchSize ${opts.matchSize ?? DEFAULT_MATCH_SIZE}, image side ${s})`,
      );
    this.rotations = R;
    this.matchSize = m;
    this.twin = opts.align === 'both' ? new ExemplarBank(s, ch, { ...opts, align: 'centroid' }) : null;
    this.mask = tf.tensor4d(discMask(m), [1, m, m, 1]);
  }

  /** Exemplars held. */
  get size(): number {
    return this.count;
  }

  /**
   * Append exemplars (in order: their indices continue from size).
   * @param images uint8 n x S x S x C model inputs.
   * @throws AppError('invalid-argument') when the buffer does not match n and the shape.
   */
  add(images: Uint8Array, n: number): void {
    checkImages(images, n, this.s, this.ch, 'exemplars');
    this.twin?.add(images, n);
    const src = this.opts.align === 'centroid' ? centreOnCentroid(images, n, this.s, this.ch) : images;
    const fresh = tf.tidy(() => normalizeOnDisc(toMatchTensor(src, n, this.s, this.ch, this.matchSize), this.mask));
    if (!this.rows) this.rows = fresh;
    else {
      const old = this.rows;
      this.rows = tf.concat([old, fresh], 0);
      tf.dispose([old, fresh]);
    }
    this.count += n;
  }

  /**
   * Compare every query with every exemplar held, over R turns.
   * @param rawQueries uint8 nQueries x S x S x C model inputs.
   * @returns similarity and turn per (query, exemplar); cost O(nQ * size * R * m^2 * C).
   * @throws AppError('invalid-argument') when the buffer does not match nQueries and the shape;
   *   AppError('not-enough-labels') when the bank is empty.
   */
  match(rawQueries: Uint8Array, nQueries: number): ExemplarMatches {
    checkImages(rawQueries, nQueries, this.s, this.ch, 'queries');
    const queries = this.opts.align === 'centroid' ? centreOnCentroid(rawQueries, nQueries, this.s, this.ch) : rawQueries;
    if (!this.rows || this.count === 0) throw new AppError('not-enough-labels', 'the exemplar model needs at least one labeled image with an angle');
    if (this.twin) {
      // Both ways: per pair, the better correlation and its turn.
      const a = this.matchRows(queries, nQueries);
      const b = this.twin.match(rawQueries, nQueries);
      for (let k = 0; k < a.similarity.length; k++) {
        if (b.similarity[k]! > a.similarity[k]!) {
          a.similarity[k] = b.similarity[k]!;
          a.turnDeg[k] = b.turnDeg[k]!;
        }
      }
      return a;
    }
    return this.matchRows(queries, nQueries);
  }

  private matchRows(queries: Uint8Array, nQueries: number): ExemplarMatches {
    if (!this.rows) throw new AppError('not-enough-labels', 'the exemplar model needs at least one labeled image with an angle');
    const { s, ch, rotations: R, matchSize: m, mask } = this;
    const ex = this.rows;
    const nExemplars = this.count;
    const chunk = Math.max(1, Math.floor(this.opts.chunk ?? Math.min(16, 2e6 / Math.max(1, nExemplars * R))));
    const similarity = new Float32Array(nQueries * nExemplars);
    const turnDeg = new Float32Array(nQueries * nExemplars);
    const step = 360 / R;
    for (let q0 = 0; q0 < nQueries; q0 += chunk) {
      const c = Math.min(chunk, nQueries - q0);
      const [best, arg, prev, next] = tf.tidy(() => {
        const q = toMatchTensor(queries.subarray(q0 * s * s * ch, (q0 + c) * s * s * ch), c, s, ch, m);
        // Row (i, r) = query i turned back (counter-clockwise) by r steps.
        const rep = tf.tile(q, [R, 1, 1, 1]) as tf.Tensor4D; // r-major: rows r*c .. r*c+c-1
        const back = new Float32Array(R * c);
        for (let r = 0; r < R; r++) back.fill(-r * step, r * c, (r + 1) * c);
        const turned = normalizeOnDisc(rotateBatchClockwise(rep, back), mask);
        const sim = tf.matMul(turned, ex, false, true).reshape([R, c, nExemplars]).transpose([1, 2, 0]); // [c, nEx, R]
        const a = sim.argMax(2) as tf.Tensor2D;
        const pick = (shift: number) => sim.mul(tf.oneHot(a.add(tf.scalar(R + shift, 'int32')).mod(tf.scalar(R, 'int32')) as tf.Tensor2D, R)).sum(2);
        return [sim.max(2), a, pick(-1), pick(1)];
      });
      const b = best.dataSync();
      const ai = arg.dataSync();
      const p = prev.dataSync();
      const nx = next.dataSync();
      tf.dispose([best, arg, prev, next]);
      const o = q0 * nExemplars;
      for (let k = 0; k < c * nExemplars; k++) {
        // Parabolic peak interpolation through (r-1, r, r+1), clipped to half a step.
        const denom = p[k]! - 2 * b[k]! + nx[k]!;
        const off = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (p[k]! - nx[k]!)) / denom)) : 0;
        similarity[o + k] = b[k]!;
        turnDeg[o + k] = wrapDegreesFloat32((ai[k]! + off) * step, 360);
      }
    }
    return { nQueries, nExemplars, similarity, turnDeg };
  }

  dispose(): void {
    this.twin?.dispose();
    tf.dispose([this.mask, ...(this.rows ? [this.rows] : [])]);
    this.rows = null;
    this.count = 0;
  }
}

/**
 * Compare every query with every exemplar over R turns (a one-off ExemplarBank).
 * @param exemplars uint8 nExemplars x S x S x C model inputs (the labeled images).
 * @param queries uint8 nQueries x S x S x C model inputs.
 * @returns similarity and turn per (query, exemplar); cost O(nQ * nEx * R * m^2 * C).
 * @throws AppError('invalid-argument') when the image buffers do not match their counts and shape, or options are out of range.
 */
export function matchExemplars(
  exemplars: Uint8Array,
  nExemplars: number,
  queries: Uint8Array,
  nQueries: number,
  s: number,
  ch: number,
  opts: ExemplarMatchOptions = {},
): ExemplarMatches {
  checkImages(exemplars, nExemplars, s, ch, 'exemplars');
  checkImages(queries, nQueries, s, ch, 'queries');
  const bank = new ExemplarBank(s, ch, opts);
  try {
    bank.add(exemplars, nExemplars);
    return bank.match(queries, nQueries);
  } finally {
    bank.dispose();
  }
}

/**
 * The matches of a subset of the exemplars, in the order given (column
 * `columns[j]` of `m` becomes column j): one match against the union of many
 * labeled sets serves each of them.
 */
export function subsetMatches(m: ExemplarMatches, columns: ArrayLike<number>): ExemplarMatches {
  const nE = columns.length;
  const similarity = new Float32Array(m.nQueries * nE);
  const turnDeg = new Float32Array(m.nQueries * nE);
  for (let j = 0; j < nE; j++) {
    const c = columns[j]!;
    if (!Number.isInteger(c) || c < 0 || c >= m.nExemplars)
      throw new AppError('invalid-argument', `column ${c} is not an exemplar index in [0, ${m.nExemplars})`);
  }
  for (let i = 0; i < m.nQueries; i++) {
    const src = i * m.nExemplars;
    const dst = i * nE;
    for (let j = 0; j < nE; j++) {
      similarity[dst + j] = m.similarity[src + columns[j]!]!;
      turnDeg[dst + j] = m.turnDeg[src + columns[j]!]!;
    }
  }
  return { nQueries: m.nQueries, nExemplars: nE, similarity, turnDeg };
}

/** Predictions of the exemplar model. */
export interface ExemplarPrediction {
  /** Degrees clockwise from up, [0, period). */
  readonly anglesDeg: Float32Array;
  /** Correlation with the chosen exemplar, [-1, 1]: how closely the query repeats a labeled image. */
  readonly similarity: Float32Array;
  /** Index of the chosen exemplar (among the first `use`). */
  readonly exemplar: Int32Array;
}

/**
 * Predict each query's angle from the best of the first `use` exemplars (the
 * first n of a labeling order: one match serves every prefix of a curve).
 * @param anglesDeg the exemplars' labels, degrees clockwise from up.
 * @throws AppError('not-enough-labels') when use < 1; AppError('invalid-argument') when use exceeds the exemplars.
 */
export function predictFromMatches(matches: ExemplarMatches, anglesDeg: ArrayLike<number>, use: number, axial: boolean): ExemplarPrediction {
  const { nQueries, nExemplars, similarity, turnDeg } = matches;
  if (!Number.isInteger(use)) throw new AppError('invalid-argument', `use must be a whole number, got ${use}`);
  if (use < 1) throw new AppError('not-enough-labels', 'the exemplar model needs at least one labeled image with an angle');
  if (use > nExemplars || anglesDeg.length < use)
    throw new AppError('invalid-argument', `use = ${use} but only ${Math.min(nExemplars, anglesDeg.length)} exemplars`);
  const period = periodOf(axial);
  const out = new Float32Array(nQueries);
  const sim = new Float32Array(nQueries);
  const which = new Int32Array(nQueries);
  for (let i = 0; i < nQueries; i++) {
    const row = i * nExemplars;
    let bj = 0;
    for (let j = 1; j < use; j++) if (similarity[row + j]! > similarity[row + bj]!) bj = j;
    out[i] = wrapDegreesFloat32(anglesDeg[bj]! + turnDeg[row + bj]!, period);
    sim[i] = similarity[row + bj]!;
    which[i] = bj;
  }
  return { anglesDeg: out, similarity: sim, exemplar: which };
}

/**
 * Predict angles of queries from labeled exemplars (matchExemplars + predictFromMatches).
 * @param exemplars uint8 n x S x S x C; anglesDeg their labels (length n).
 * @param queries uint8 nQueries x S x S x C.
 */
export function predictExemplarAngles(
  exemplars: Uint8Array,
  anglesDeg: ArrayLike<number>,
  queries: Uint8Array,
  nQueries: number,
  s: number,
  ch: number,
  axial: boolean,
  opts: ExemplarMatchOptions = {},
): ExemplarPrediction {
  const n = anglesDeg.length;
  if (n < 1) throw new AppError('not-enough-labels', 'the exemplar model needs at least one labeled image with an angle');
  return predictFromMatches(matchExemplars(exemplars, n, queries, nQueries, s, ch, opts), anglesDeg, n, axial);
}
