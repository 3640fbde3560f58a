/**
 * Angle handling in the labeling widget. Convention (src/shared/angle.ts):
 * degrees clockwise from image up, [0, 360) (or [0, 180) for axial
 * projects). Screen y grows downward, so "up" is (0, -1) and clockwise is the
 * screen's positive rotation: the angle of a vector (dx, dy) is atan2(dx, -dy).
 * Wrapping is the shared wrapDegrees; every angle here is Degrees.
 */
import { radToDeg, wrapDegrees, type AnglePeriod, type Degrees, type Radians } from '../../shared/angle.js';

/**
 * Angle (degrees clockwise from up) of the screen vector from (cx, cy) to (x, y),
 * rounded to `step` degrees. Right of centre is 90, below is 180, left is 270.
 * null when the point is within `deadZone` px of the centre (no direction).
 */
export function angleFromPointer(cx: number, cy: number, x: number, y: number, period: AnglePeriod, step = 1, deadZone = 4): Degrees | null {
  const dx = x - cx;
  const dy = y - cy;
  if (Math.hypot(dx, dy) < deadZone) return null;
  const deg = radToDeg(Math.atan2(dx, -dy) as Radians);
  return wrapDegrees(Math.round(deg / step) * step, period);
}

/** Digit shortcuts 1-4: 0, 90, 180, 270 degrees (wrapped for axial projects). */
export function digitAngle(digit: number, period: AnglePeriod): Degrees | null {
  if (digit < 1 || digit > 4) return null;
  return wrapDegrees((digit - 1) * 90, period);
}

/** Text for an angle: "237°". */
export function formatAngle(deg: Degrees): string {
  return `${Math.round(deg * 10) / 10}°`;
}
