import { describe, expect, it } from 'vitest';
import { wrapDegreesFloat32 } from '../../src/shared/angle.js';

describe('wrapDegreesFloat32', () => {
  it('keeps float32-stored angles in [0, period): values that round up to the period fold to 0', () => {
    // Math.fround(359.99999) === 360 and Math.fround(179.9999999) === 180 (hand-checked: float32 spacing near 360 is 3.05e-5)
    expect(Math.fround(359.99999)).toBe(360);
    expect(wrapDegreesFloat32(359.99999)).toBe(0);
    expect(wrapDegreesFloat32(-1e-6)).toBe(0);
    expect(wrapDegreesFloat32(179.9999999, 180)).toBe(0);
    expect(wrapDegreesFloat32(719.99999)).toBe(0);
    // ordinary values are the float32 of the wrapped value
    expect(wrapDegreesFloat32(359.5)).toBe(359.5);
    expect(wrapDegreesFloat32(-90)).toBe(270);
    expect(wrapDegreesFloat32(190, 180)).toBe(10);
    expect(wrapDegreesFloat32(0.1)).toBe(Math.fround(0.1));
    expect(() => wrapDegreesFloat32(Number.NaN)).toThrow(/finite/);
  });
});
