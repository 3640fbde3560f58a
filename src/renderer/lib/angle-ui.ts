/**
 * Angle handling in the labeling widget. Convention (DESIGN.md): degrees
 * clockwise from image up, [0, 360) (or [0, 180) for axial projects).
 * Screen y grows downward, so "up" is (0, -1) and clockwise is the screen's
 * positive rotation: the angle of a vector (dx, dy) is atan2(dx, -dy).
 */
export type Period = 360 | 180;

/** Wrap into [0, period). */
export function wrap(deg: number, period: Period): number {
  let r = deg % period;
  if (r < 0) r += period;
  if (r >= period) r -= period;
  return Object.is(r, -0) ? 0 : r;
}

/**
 * Angle (degrees clockwise from up) of the screen vector from (cx, cy) to (x, y),
 * rounded to `step` degrees. Right of centre is 90, below is 180, left is 270.
 * null when the point is within `deadZone` px of the centre (no direction).
 */
export function angleFromPointer(cx: number, cy: number, x: number, y: number, period: Period, step = 1, deadZone = 4): number | null {
  const dx = x - cx;
  const dy = y - cy;
  if (Math.hypot(dx, dy) < deadZone) return null;
  const deg = (Math.atan2(dx, -dy) * 180) / Math.PI;
  return wrap(Math.round(deg / step) * step, period);
}

/** Digit shortcuts 1-4: 0, 90, 180, 270 degrees (wrapped for axial projects). */
export function digitAngle(digit: number, period: Period): number | null {
  if (digit < 1 || digit > 4) return null;
  return wrap((digit - 1) * 90, period);
}

/** Text for an angle: "237°". */
export function formatAngle(deg: number): string {
  return `${Math.round(deg * 10) / 10}°`;
}
