/**
 * Angle math for orientation labels.
 *
 * Convention (docs/architecture.md, "angle"): degrees in [0, period), clockwise from image
 * up, of the direction the object's front points, in the EXIF-corrected image.
 * period = 360, or 180 for an axial project (objects with no front).
 */
import type { Brand } from './brand.js';
import { AppError } from './errors.js';

/**
 * An angle in degrees, clockwise from image up (an angle, or a difference of
 * two). A plain number becomes Degrees through wrapDegrees / parseDegrees
 * (checked), radToDeg, or a cast where the unit is known (a label read back).
 */
export type Degrees = Brand<number, 'Degrees'>;
/** An angle in radians (only for trigonometry; never stored or exported). */
export type Radians = Brand<number, 'Radians'>;

/** The period of the angle space: 360 for directed objects, 180 for axial ones. */
export type AnglePeriod = 360 | 180;

export function periodOf(axial: boolean): AnglePeriod {
  return axial ? 180 : 360;
}

/**
 * Wrap any finite number of degrees into [0, period).
 * wrapDegrees(360) = 0, wrapDegrees(-90) = 270, wrapDegrees(190, 180) = 10.
 * @throws AppError('invalid-angle') when x is not finite.
 */
export function wrapDegrees(x: number, period: AnglePeriod = 360): Degrees {
  if (!Number.isFinite(x)) {
    throw new AppError('invalid-angle', `angle must be a finite number of degrees, got ${String(x)}`);
  }
  let r = x % period;
  if (r < 0) r += period;
  // -1e-15 % 360 + 360 rounds to 360: fold it back.
  if (r >= period) r -= period;
  return (Object.is(r, -0) ? 0 : r) as Degrees;
}

/**
 * wrapDegrees for a value that will be stored in a Float32Array: a float64
 * angle just below the period (e.g. 359.99999) rounds up to the period itself
 * in float32, so that case is folded to 0 and the stored angle stays in
 * [0, period). Returns the float32 value.
 * @throws AppError('invalid-angle') when x is not finite.
 */
export function wrapDegreesFloat32(x: number, period: AnglePeriod = 360): Degrees {
  const v = Math.fround(wrapDegrees(x, period));
  return (v >= period ? 0 : v) as Degrees;
}

/**
 * Parse user text as degrees ("90", "-45.5", "400") and wrap it into [0, period).
 * Refuses anything that is not a plain decimal number (no units, no "rad", no NaN).
 * @throws AppError('invalid-angle') naming the text and what to type instead.
 */
export function parseDegrees(text: string, period: AnglePeriod = 360, field = 'angle'): Degrees {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new AppError(
      'invalid-angle',
      `${field} "${text}" is not a number of degrees; give a decimal number such as 0, 90 or 237.5 (clockwise from image up)`,
    );
  }
  return wrapDegrees(Number(t), period);
}

/**
 * Smallest circular difference between two angles, in degrees, in [0, period/2].
 * angularErrorDeg(350, 10) = 20; angularErrorDeg(170, 10, 180) = 20.
 */
export function angularErrorDeg(a: Degrees, b: Degrees, period: AnglePeriod = 360): Degrees {
  const d = Math.abs(a - b) % period;
  return Math.min(d, period - d) as Degrees;
}

export function degToRad(d: Degrees): Radians {
  return ((d * Math.PI) / 180) as Radians;
}

export function radToDeg(r: Radians): Degrees {
  return ((r * 180) / Math.PI) as Degrees;
}

/**
 * Encode an angle as the (sin, cos) regression target of the orientation model.
 * For axial projects the angle is doubled first so that 0 and 180 map to the
 * same point (Bishop's "doubled angle" trick for axial data).
 * Returns [sin, cos] of (k * angle) where k = 360 / period.
 */
export function angleToSinCos(deg: Degrees, period: AnglePeriod = 360): [number, number] {
  const theta = degToRad(((deg * 360) / period) as Degrees);
  return [Math.sin(theta), Math.cos(theta)];
}

/** Inverse of angleToSinCos: atan2 back to degrees in [0, period). Any scale of (sin, cos) is fine. */
export function sinCosToAngle(sin: number, cos: number, period: AnglePeriod = 360): Degrees {
  const full = radToDeg(Math.atan2(sin, cos) as Radians); // (-180, 180], clockwise-from-up in the k-fold space
  return wrapDegrees((full * period) / 360, period);
}

/** Summary of angular errors (degrees): mean, median and share within 10 degrees. */
export interface ErrorSummary {
  readonly maeDeg: Degrees;
  readonly medianDeg: Degrees;
  readonly within10: number;
  readonly n: number;
}

/**
 * Mean absolute, median and within-10-degrees share of circular errors.
 * The arrays hold degrees (typed arrays cannot carry the brand per element).
 * @throws AppError('invalid-argument') when the arrays differ in length or are empty.
 */
export function summarizeAngularErrors(predicted: ArrayLike<number>, truth: ArrayLike<number>, period: AnglePeriod = 360): ErrorSummary {
  if (predicted.length !== truth.length || truth.length === 0) {
    throw new AppError('invalid-argument', `need equally many predictions and truths (> 0), got ${predicted.length} and ${truth.length}`);
  }
  const errs = new Float64Array(truth.length);
  let sum = 0;
  let within = 0;
  for (let i = 0; i < truth.length; i++) {
    const e = angularErrorDeg(predicted[i]! as Degrees, truth[i]! as Degrees, period);
    errs[i] = e;
    sum += e;
    if (e <= 10) within++;
  }
  errs.sort();
  const n = errs.length;
  const median = n % 2 === 1 ? errs[(n - 1) / 2]! : (errs[n / 2 - 1]! + errs[n / 2]!) / 2;
  return { maeDeg: (sum / n) as Degrees, medianDeg: median as Degrees, within10: within / n, n };
}
