/**
 * Polar Fourier embedder: a latent space in which turning, shifting, scaling
 * and relighting an object do not count as novelty, by construction rather
 * than by training.
 *
 * Per image (the model input, area-resampled to at most 32 px):
 * 1. Background: the mean of the pixels outside the inscribed disc, per
 *    channel; the image minus its background is the object's signed contrast.
 * 2. Shift: the polar grid is centred on the centroid of the contrast
 *    magnitude (sum over channels of |pixel - background|), which moves with
 *    the object.
 * 3. Scale: the grid's outer radius is 2.2 times the contrast's radius of
 *    gyration about that centroid, which grows with the object.
 * 4. Polar resampling (bilinear, background outside the image): `rings` rings
 *    x `angles` angles. Turning the object about its centroid shifts every
 *    ring circularly along the angle axis.
 * 5. Per ring, the first `harmonics` terms of the discrete Fourier transform
 *    along the angle axis. A circular shift multiplies term k by e^(i k phi),
 *    so the magnitudes are turn-invariant (the Fourier-magnitude invariant of
 *    Zhang & Lu's generic Fourier descriptor, Signal Processing: Image
 *    Communication 17, 2002). Magnitudes alone let each ring turn on its own,
 *    so the descriptor also keeps, for adjacent rings r and r+1 and each
 *    k >= 1, F_r(k) conj(F_r+1(k)) scaled to the geometric mean magnitude:
 *    the phase of one ring relative to the next, which a turn of the whole
 *    object leaves unchanged.
 * 6. The vector is scaled to unit length (contrast does not count).
 *
 * The descriptors of the project's images are then projected onto their
 * first `dim` principal components (fitted on the project's own images; the
 * latent space's only learned part). Euclidean distances in that space are
 * what furthest point sampling spreads over.
 *
 * What still counts as novel: a different shape or texture, a different
 * arrangement of parts (the relative ring phases), colour (each channel
 * contributes its own terms), polarity (dark on light vs light on dark: the
 * ring means keep their sign), handedness (a mirror image conjugates every
 * term: the magnitudes stay, the relative phases' imaginary parts change
 * sign). Occlusion and clutter
 * move the centroid and change the descriptor: this space suits images of one
 * object on a plain background, the case an orientation label describes.
 */
import { AppError } from '../../shared/errors.js';
import { pcaProject } from './pca.js';

export interface PolarFourierOptions {
  /** Rings of the polar grid (default 12). */
  readonly rings?: number;
  /** Samples per ring (default 64). */
  readonly angles?: number;
  /** Fourier terms per ring, k = 0 .. harmonics - 1 (default 9). */
  readonly harmonics?: number;
  /** Side in px the images are analysed at (default 32; never above the input size). */
  readonly analysisSize?: number;
}

export const POLAR_FOURIER_DEFAULTS = { rings: 12, angles: 64, harmonics: 9, analysisSize: 32 } as const;

/** Grid radius over radius of gyration: covers the object's outer parts (a uniform disc's edge is at 1.41 rg). */
const RADIUS_PER_GYRATION = 2.2;

/** Length of one image's descriptor. */
export function polarFourierLength(channels: number, o: PolarFourierOptions = {}): number {
  const r = o.rings ?? POLAR_FOURIER_DEFAULTS.rings;
  const k = o.harmonics ?? POLAR_FOURIER_DEFAULTS.harmonics;
  return channels * (r + r * (k - 1) + 2 * (r - 1) * (k - 1));
}

/** Area-resampling weights from s to a px along one axis: for output o, the input indices and their overlap shares. */
function areaWeights(s: number, a: number): { start: Int32Array; index: Int32Array; weight: Float64Array } {
  const f = s / a;
  const idx: number[] = [];
  const wts: number[] = [];
  const start = new Int32Array(a + 1);
  for (let o = 0; o < a; o++) {
    const lo = o * f;
    const hi = lo + f;
    for (let i = Math.floor(lo); i < Math.min(s, Math.ceil(hi)); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 0) {
        idx.push(i);
        wts.push(overlap / f);
      }
    }
    start[o + 1] = idx.length;
  }
  return { start, index: Int32Array.from(idx), weight: Float64Array.from(wts) };
}

/** Bilinear sample of an a x a plane at (x, y); 0 (the background after subtraction) outside. */
function sample(p: Float64Array, a: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < a && y0 + 1 < a) {
    const o = y0 * a + x0;
    return (1 - fy) * ((1 - fx) * p[o]! + fx * p[o + 1]!) + fy * ((1 - fx) * p[o + a]! + fx * p[o + a + 1]!);
  }
  if (x0 < -1 || y0 < -1 || x0 >= a || y0 >= a) return 0;
  const v00 = x0 >= 0 && y0 >= 0 ? p[y0 * a + x0]! : 0;
  const v10 = x0 + 1 < a && y0 >= 0 ? p[y0 * a + x0 + 1]! : 0;
  const v01 = x0 >= 0 && y0 + 1 < a ? p[(y0 + 1) * a + x0]! : 0;
  const v11 = x0 + 1 < a && y0 + 1 < a ? p[(y0 + 1) * a + x0 + 1]! : 0;
  return (1 - fy) * ((1 - fx) * v00 + fx * v10) + fy * ((1 - fx) * v01 + fx * v11);
}

/**
 * Turn-, shift-, scale- and contrast-invariant descriptors of n images.
 * @param images uint8, n x s x s x ch, row-major, channels last (the model inputs).
 * @returns n x polarFourierLength(ch) float32, each row of unit length (all zeros for an image with no contrast).
 */
export function polarFourierDescriptors(
  images: Uint8Array,
  n: number,
  s: number,
  ch: number,
  o: PolarFourierOptions = {},
  onRow?: (i: number) => void,
): Float32Array {
  const R = o.rings ?? POLAR_FOURIER_DEFAULTS.rings;
  const T = o.angles ?? POLAR_FOURIER_DEFAULTS.angles;
  const K = o.harmonics ?? POLAR_FOURIER_DEFAULTS.harmonics;
  const a = Math.min(s, o.analysisSize ?? POLAR_FOURIER_DEFAULTS.analysisSize);
  if (!Number.isInteger(R) || R < 2 || !Number.isInteger(T) || T < 4 || !Number.isInteger(K) || K < 2 || 2 * (K - 1) >= T || !Number.isInteger(a) || a < 4) {
    throw new AppError(
      'invalid-argument',
      `polar Fourier: need rings >= 2, angles >= 4, 2 <= harmonics <= angles / 2, analysis size >= 4 (got ${R}, ${T}, ${K}, ${a})`,
    );
  }
  if (images.length !== n * s * s * ch)
    throw new AppError('invalid-argument', `polar Fourier: expected ${n} x ${s} x ${s} x ${ch} bytes, got ${images.length}`);
  const len = polarFourierLength(ch, o);
  const out = new Float32Array(n * len);
  const cosT = new Float64Array(K * T);
  const sinT = new Float64Array(K * T);
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < T; t++) {
      cosT[k * T + t] = Math.cos((2 * Math.PI * k * t) / T);
      sinT[k * T + t] = Math.sin((2 * Math.PI * k * t) / T);
    }
  }
  const ringCos = new Float64Array(T);
  const ringSin = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    ringCos[t] = Math.cos((2 * Math.PI * t) / T);
    ringSin[t] = Math.sin((2 * Math.PI * t) / T);
  }
  const c = (a - 1) / 2;
  const aw = areaWeights(s, a);
  // Which analysis pixels lie outside the inscribed disc (the background), as the exemplar matcher reads it.
  const outside = new Uint8Array(a * a);
  let nb = 0;
  for (let y = 0; y < a; y++) {
    for (let x = 0; x < a; x++) {
      if ((x - c) ** 2 + (y - c) ** 2 > (a / 2) ** 2) {
        outside[y * a + x] = 1;
        nb++;
      }
    }
  }
  const tmp = new Float64Array(s * a);
  const planes = Array.from({ length: ch }, () => new Float64Array(a * a));
  const weight = new Float64Array(a * a);
  const re = new Float64Array(R * K);
  const im = new Float64Array(R * K);
  const ringVals = new Float64Array(T);
  const row = new Float64Array(len);
  for (let i = 0; i < n; i++) {
    const base = i * s * s * ch;
    weight.fill(0);
    for (let k = 0; k < ch; k++) {
      const pl = planes[k]!;
      // Area resampling, separable: along x into tmp (s rows x a), then along y.
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < a; x++) {
          let v = 0;
          for (let q = aw.start[x]!; q < aw.start[x + 1]!; q++) v += images[base + (y * s + aw.index[q]!) * ch + k]! * aw.weight[q]!;
          tmp[y * a + x] = v;
        }
      }
      for (let y = 0; y < a; y++) {
        for (let x = 0; x < a; x++) {
          let v = 0;
          for (let q = aw.start[y]!; q < aw.start[y + 1]!; q++) v += tmp[aw.index[q]! * a + x]! * aw.weight[q]!;
          pl[y * a + x] = v;
        }
      }
      let bg = 0;
      for (let p = 0; p < a * a; p++) if (outside[p]) bg += pl[p]!;
      bg = nb > 0 ? bg / nb : 0;
      for (let p = 0; p < a * a; p++) {
        const v = (pl[p]! - bg) / 255;
        pl[p] = v;
        weight[p] = weight[p]! + Math.abs(v);
      }
    }
    let m = 0;
    let mx = 0;
    let my = 0;
    for (let y = 0; y < a; y++) {
      for (let x = 0; x < a; x++) {
        const w = weight[y * a + x]!;
        m += w;
        mx += w * x;
        my += w * y;
      }
    }
    row.fill(0);
    if (m > 1e-9) {
      const cx = mx / m;
      const cy = my / m;
      let g = 0;
      for (let y = 0; y < a; y++) {
        for (let x = 0; x < a; x++) g += weight[y * a + x]! * ((x - cx) * (x - cx) + (y - cy) * (y - cy));
      }
      const rmax = RADIUS_PER_GYRATION * Math.sqrt(g / m);
      let off = 0;
      for (const pl of planes) {
        re.fill(0);
        im.fill(0);
        for (let r = 0; r < R; r++) {
          const rad = ((r + 0.5) / R) * rmax;
          for (let t = 0; t < T; t++) ringVals[t] = sample(pl, a, cx + rad * ringCos[t]!, cy + rad * ringSin[t]!);
          for (let k = 0; k < K; k++) {
            let sr = 0;
            let si = 0;
            const o = k * T;
            for (let t = 0; t < T; t++) {
              const v = ringVals[t]!;
              sr += v * cosT[o + t]!;
              si -= v * sinT[o + t]!;
            }
            re[r * K + k] = sr;
            im[r * K + k] = si;
          }
        }
        // Ring means (signed: polarity counts), then |F_r(k)| for k >= 1, then adjacent-ring relative phases.
        for (let r = 0; r < R; r++) row[off++] = re[r * K]! / T;
        for (let r = 0; r < R; r++) for (let k = 1; k < K; k++) row[off++] = Math.hypot(re[r * K + k]!, im[r * K + k]!) / T;
        for (let r = 0; r + 1 < R; r++) {
          for (let k = 1; k < K; k++) {
            const ar = re[r * K + k]! / T;
            const ai = im[r * K + k]! / T;
            const br = re[(r + 1) * K + k]! / T;
            const bi = -im[(r + 1) * K + k]! / T;
            const pr = ar * br - ai * bi;
            const pi = ar * bi + ai * br;
            const scale = Math.sqrt(Math.hypot(pr, pi));
            row[off++] = scale > 0 ? pr / scale : 0;
            row[off++] = scale > 0 ? pi / scale : 0;
          }
        }
      }
      let norm = 0;
      for (let j = 0; j < len; j++) norm += row[j]! * row[j]!;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let j = 0; j < len; j++) out[i * len + j] = row[j]! / norm;
    }
    onRow?.(i);
  }
  return out;
}

/** Rows the principal axes are fitted on at most: the covariance costs n x d^2, and 20,000 rows pin it down. */
export const PCA_FIT_ROWS = 20_000;

export interface PolarFourierEmbedding {
  /** n x dim float32: the descriptors on their first dim principal axes. */
  readonly embeddings: Float32Array;
  readonly dim: number;
  /** Share of the descriptors' variance the dim axes keep. */
  readonly explained: number;
}

/**
 * Embed n images: descriptors, then their first `dim` principal components
 * (fitted on an evenly spaced subset of at most PCA_FIT_ROWS rows).
 * `check` is called every 256 images (throw from it to cancel).
 */
export function polarFourierEmbeddings(
  images: Uint8Array,
  n: number,
  s: number,
  ch: number,
  dim: number,
  o: PolarFourierOptions = {},
  check?: (done: number) => void,
): PolarFourierEmbedding {
  const len = polarFourierLength(ch, o);
  const desc = polarFourierDescriptors(images, n, s, ch, o, (i) => {
    if (check && (i + 1) % 256 === 0) check(i + 1);
  });
  const k = Math.min(dim, len);
  const { projection, explained } = pcaProject(desc, n, len, k, PCA_FIT_ROWS);
  return { embeddings: projection, dim: k, explained };
}
