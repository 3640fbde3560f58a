/**
 * curve.csv of `compare`: one row per (strategy, seed, size) with the test-split
 * error figures. Columns: strategy, seed, size, maeDeg, medianDeg, within10
 * (degrees; within10 a share in [0, 1]), then ciLowDeg, ciHighDeg (the 95 %
 * interval of the (strategy, size) point's mean over seeds, the same on each
 * seed's row) and chanceDeg (the chance level); with a group column in the
 * truth file also groups (distinct groups among this seed's first `size`
 * labels), groupsRandomMean (random order's mean over seeds) and groupsOracle
 * (min(size, groups in the pool)). Cells without a figure are empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import { csvFormatRows } from 'd3';
import type { CurvePoint } from '../../shared/types.js';

export const CURVE_CSV_COLUMNS = ['strategy', 'seed', 'size', 'maeDeg', 'medianDeg', 'within10'] as const;
export const CURVE_CSV_INTERVAL_COLUMNS = ['ciLowDeg', 'ciHighDeg', 'chanceDeg'] as const;
export const CURVE_CSV_GROUP_COLUMNS = ['groups', 'groupsRandomMean', 'groupsOracle'] as const;

export type CurveCsvPoint = Pick<CurvePoint, 'strategy' | 'seed' | 'size' | 'maeDeg' | 'medianDeg' | 'within10'> &
  Partial<Pick<CurvePoint, 'ciLow' | 'ciHigh' | 'chanceDeg' | 'extra'>>;

export interface CurveCsvOptions {
  /** Groups in the pool (for the oracle column); null or absent without groups. */
  readonly oracle?: { readonly inPool: number } | null;
}

const cell = (v: number | undefined | null): string => (v === undefined || v === null || !Number.isFinite(v) ? '' : String(v));

/** CSV text, rows sorted by strategy (first appearance), seed, size. */
export function formatCurveCsv(points: readonly CurveCsvPoint[], opts: CurveCsvOptions = {}): string {
  const order = [...new Set(points.map((p) => p.strategy))];
  const withIntervals = points.some((p) => p.ciLow !== undefined || p.chanceDeg !== undefined);
  const withGroups = points.some((p) => p.extra?.groups !== undefined);
  const randomMean = new Map<number, number>();
  if (withGroups) {
    const acc = new Map<number, number[]>();
    for (const p of points)
      if (p.strategy === 'random' && p.extra?.groups !== undefined) (acc.get(p.size) ?? acc.set(p.size, []).get(p.size)!).push(p.extra.groups);
    for (const [size, v] of acc) randomMean.set(size, v.reduce((a, b) => a + b, 0) / v.length);
  }
  const header: string[] = [...CURVE_CSV_COLUMNS, ...(withIntervals ? CURVE_CSV_INTERVAL_COLUMNS : []), ...(withGroups ? CURVE_CSV_GROUP_COLUMNS : [])];
  const rows = [...points]
    .sort((a, b) => order.indexOf(a.strategy) - order.indexOf(b.strategy) || a.seed - b.seed || a.size - b.size)
    .map((p) => [
      p.strategy,
      String(p.seed),
      String(p.size),
      String(p.maeDeg),
      String(p.medianDeg),
      String(p.within10),
      ...(withIntervals ? [cell(p.ciLow), cell(p.ciHigh), cell(p.chanceDeg)] : []),
      ...(withGroups ? [cell(p.extra?.groups), cell(randomMean.get(p.size)), opts.oracle ? String(Math.min(p.size, opts.oracle.inPool)) : ''] : []),
    ]);
  return csvFormatRows([header, ...rows]) + '\n';
}

/** Write curve.csv (creating its folder). */
export function writeCurveCsv(file: string, points: readonly CurveCsvPoint[], opts: CurveCsvOptions = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatCurveCsv(points, opts));
}

/** Alias of formatCurveCsv (the name compare-job uses). */
export const curveCsv = formatCurveCsv;
