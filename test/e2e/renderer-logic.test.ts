/**
 * The renderer's pure logic, with hand-worked values: the angle convention of
 * the widget (screen y grows downward; degrees clockwise from up), digit
 * shortcuts and learning-curve series. (When test images are asked for is the
 * engine's label policy: test/policy/label-policy.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { angleFromPointer, digitAngle } from '../../src/renderer/lib/angle-ui.js';
import { wrapDegrees as wrap } from '../../src/shared/angle.js';
import { buildSeries } from '../../src/renderer/lib/curve-series.js';
import { jobRate, jobSecondsLeft, type JobState } from '../../src/renderer/lib/use-jobs.js';
import type { CurvePoint, JobId } from '../../src/shared/types.js';

describe('angle widget convention', () => {
  it('maps screen directions to degrees clockwise from up', () => {
    // centre (100, 100); screen y grows downward
    expect(angleFromPointer(100, 100, 100, 20, 360)).toBe(0); // up
    expect(angleFromPointer(100, 100, 180, 100, 360)).toBe(90); // right
    expect(angleFromPointer(100, 100, 100, 180, 360)).toBe(180); // down
    expect(angleFromPointer(100, 100, 20, 100, 360)).toBe(270); // left
    expect(angleFromPointer(100, 100, 150, 50, 360)).toBe(45); // up-right
    expect(angleFromPointer(100, 100, 50, 150, 360)).toBe(225); // down-left
    // 30 degrees: (sin 30, -cos 30) * 100 = (50, -86.6)
    expect(angleFromPointer(0, 0, 50, -86.6, 360)).toBe(30);
    expect(angleFromPointer(100, 100, 101, 101, 360)).toBeNull(); // inside the dead zone
  });

  it('folds into [0, 180) for axial projects', () => {
    expect(angleFromPointer(100, 100, 20, 100, 180)).toBe(90); // left = 270 -> 90
    expect(angleFromPointer(100, 100, 100, 180, 180)).toBe(0); // down = 180 -> 0
    expect(digitAngle(3, 180)).toBe(0);
    expect(digitAngle(4, 180)).toBe(90);
  });

  it('digits 1-4 are 0/90/180/270; arrow keys wrap', () => {
    expect([1, 2, 3, 4].map((d) => digitAngle(d, 360))).toEqual([0, 90, 180, 270]);
    expect(digitAngle(5, 360)).toBeNull();
    expect(wrap(0 - 1, 360)).toBe(359);
    expect(wrap(350 + 15, 360)).toBe(5);
    expect(wrap(-0, 360)).toBe(0);
  });
});

describe('learning-curve series', () => {
  const p = (
    strategy: string,
    size: number,
    seed: number,
    mae: number,
    source: CurvePoint['source'] = 'compare',
    model: CurvePoint['model'] = 'exemplar',
  ): CurvePoint => ({
    model,
    size,
    strategy,
    seed,
    maeDeg: mae,
    medianDeg: mae - 1,
    within10: 0.5,
    testSize: 20,
    source,
    createdAt: '2026-01-01T00:00:00Z',
  });

  it('averages seeds per size, keeps the spread, sorts by size, baseline last', () => {
    const s = buildSeries([p('random', 20, 1, 40), p('fps', 20, 1, 30), p('random', 10, 1, 60), p('random', 10, 2, 50), p('fps', 10, 1, 45)]);
    expect(s.map((x) => x.strategy)).toEqual(['fps', 'random']);
    expect(s[1]!.isBaseline).toBe(true);
    expect(s[1]!.points.map((q) => [q.size, q.mae, q.min, q.max, q.seeds])).toEqual([
      [10, 55, 50, 60, 2],
      [20, 40, 40, 40, 1],
    ]);
    expect(s[0]!.points.map((q) => q.mae)).toEqual([45, 30]);
  });

  it('keeps live and compare points apart', () => {
    const s = buildSeries([p('fps', 10, 1, 45, 'live'), p('fps', 10, 1, 40, 'compare')]);
    expect(s.map((x) => x.label).sort()).toEqual(['Novelty (furthest point)', 'Novelty (furthest point) (compare)']);
  });

  it('never joins two orientation models in one line: splits by model only when both are present', () => {
    const one = buildSeries([p('random', 10, 1, 50, 'live'), p('random', 20, 1, 40, 'live')]);
    expect(one.map((x) => x.label)).toEqual(['Random baseline']);
    const both = buildSeries([
      p('random', 10, 1, 50, 'live', 'regressor'),
      p('random', 20, 1, 40, 'live', 'exemplar'),
      p('random', 30, 1, 20, 'live', 'exemplar'),
    ]);
    expect(both.map((x) => [x.label, x.points.map((q) => q.size)])).toEqual([
      ['Random baseline · exemplar model', [20, 30]],
      ['Random baseline · regressor model', [10]],
    ]);
  });
});

describe('job rate and time left', () => {
  it('items per second since the start and the remaining time at that rate', () => {
    const j: JobState = {
      jobId: 'j' as JobId,
      stage: 'import',
      done: 30,
      total: 120,
      message: '',
      startedAt: 1000,
      updatedAt: 11_000,
      losses: [],
      finished: false,
      error: null,
    };
    expect(jobRate(j, 11_000)).toBe(3);
    expect(jobSecondsLeft(j, 11_000)).toBe(30);
    expect(jobRate({ ...j, done: 0 }, 11_000)).toBeNull();
  });
});
