/**
 * Branded angle units (src/shared/angle.ts): degrees and radians convert by
 * hand-worked values, the angular error takes and returns Degrees, and a
 * plain number is refused where Degrees are expected (checked by tsc on the
 * test project: the @ts-expect-error lines fail the type check if the brand
 * ever stops being required).
 */
import { describe, expect, it } from 'vitest';
import { angleToSinCos, angularErrorDeg, degToRad, radToDeg, sinCosToAngle, wrapDegrees, type Degrees, type Radians } from '../../src/shared/angle.js';

describe('angle units', () => {
  it('degrees and radians convert both ways', () => {
    expect(degToRad(180 as Degrees)).toBeCloseTo(Math.PI, 12);
    expect(degToRad(90 as Degrees)).toBeCloseTo(Math.PI / 2, 12);
    expect(radToDeg((Math.PI / 4) as Radians)).toBeCloseTo(45, 12);
    expect(radToDeg(-Math.PI as Radians)).toBeCloseTo(-180, 12);
  });

  it('angular error of Degrees is Degrees: the smaller way round, half the period at most', () => {
    const e: Degrees = angularErrorDeg(wrapDegrees(350), wrapDegrees(10));
    expect(e).toBe(20);
    expect(angularErrorDeg(wrapDegrees(170, 180), wrapDegrees(10, 180), 180)).toBe(20);
    expect(angularErrorDeg(wrapDegrees(0), wrapDegrees(180))).toBe(180);
    // @ts-expect-error a plain number is not Degrees
    expect(angularErrorDeg(350, wrapDegrees(10))).toBe(20);
  });

  it('(sin, cos) round trip: 90 degrees is (1, 0); axial angles are doubled first', () => {
    const [s, c] = angleToSinCos(90 as Degrees);
    expect(s).toBeCloseTo(1, 12);
    expect(c).toBeCloseTo(0, 12);
    // axial 45 degrees -> 90 in the doubled space -> (1, 0), and back to 45
    const [sa, ca] = angleToSinCos(45 as Degrees, 180);
    expect([sa, ca].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 0]);
    expect(sinCosToAngle(sa, ca, 180)).toBeCloseTo(45, 9);
    // @ts-expect-error a plain number is not Degrees
    angleToSinCos(45);
  });
});
