/**
 * Chance level of the mean absolute angular error: what a model that learned
 * nothing about the images scores on this test split.
 * - An uninformed guess (uniform over the circle) scores period / 4: 90 deg
 *   for full-circle labels, 45 deg for axial ones.
 * - Always answering the test split's circular mean can score less on skewed
 *   data (most objects upright, say).
 * The chance level is the smaller of the two; the circular mean counts only
 * from `minForCircularMean` test angles on (a mean fitted to a handful of
 * angles answers them better than it would answer the next ones, so a small
 * test split would make chance look lower than it is).
 */
import { angularErrorDeg, type AnglePeriod, type Degrees } from '../../shared/angle.js';

export interface ChanceLevel {
  /** The smaller of uninformedDeg and circularMeanErrorDeg. */
  readonly chanceDeg: number;
  /** period / 4. */
  readonly uninformedDeg: number;
  /** Circular mean of the test angles (degrees, [0, period)); null when they cancel out. */
  readonly circularMeanDeg: number | null;
  /** Mean error of always answering circularMeanDeg (null with it). */
  readonly circularMeanErrorDeg: number | null;
}

export function chanceLevel(testAngles: ArrayLike<number>, period: AnglePeriod, opts: { readonly minForCircularMean?: number } = {}): ChanceLevel {
  const uninformedDeg = period / 4;
  let s = 0;
  let c = 0;
  for (let i = 0; i < testAngles.length; i++) {
    const t = (2 * Math.PI * testAngles[i]!) / period;
    s += Math.sin(t);
    c += Math.cos(t);
  }
  // A resultant this short has no direction worth answering.
  if (testAngles.length === 0 || Math.hypot(s, c) < 1e-9 * testAngles.length) {
    return { chanceDeg: uninformedDeg, uninformedDeg, circularMeanDeg: null, circularMeanErrorDeg: null };
  }
  let mu = ((Math.atan2(s, c) * period) / (2 * Math.PI)) % period;
  if (mu < 0) mu += period;
  let err = 0;
  // the test labels are degrees; typed arrays carry no brand per element
  for (let i = 0; i < testAngles.length; i++) err += angularErrorDeg(mu as Degrees, testAngles[i]! as Degrees, period);
  err /= testAngles.length;
  const usable = testAngles.length >= (opts.minForCircularMean ?? 0);
  return { chanceDeg: usable ? Math.min(uninformedDeg, err) : uninformedDeg, uninformedDeg, circularMeanDeg: mu, circularMeanErrorDeg: err };
}
