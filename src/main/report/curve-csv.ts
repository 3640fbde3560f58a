/**
 * curve.csv of `compare`: one row per (strategy, seed, size) with the test-split
 * error figures. Columns: strategy, seed, size, maeDeg, medianDeg, within10
 * (degrees; within10 a share in [0, 1]).
 */
import fs from 'node:fs';
import path from 'node:path';
import { csvFormatRows } from 'd3';
import type { CurvePoint } from '../../shared/types.js';

export const CURVE_CSV_COLUMNS = ['strategy', 'seed', 'size', 'maeDeg', 'medianDeg', 'within10'] as const;

export type CurveCsvPoint = Pick<CurvePoint, 'strategy' | 'seed' | 'size' | 'maeDeg' | 'medianDeg' | 'within10'>;

/** CSV text, rows sorted by strategy (first appearance), seed, size. */
export function formatCurveCsv(points: readonly CurveCsvPoint[]): string {
  const order = [...new Set(points.map((p) => p.strategy))];
  const rows = [...points]
    .sort((a, b) => order.indexOf(a.strategy) - order.indexOf(b.strategy) || a.seed - b.seed || a.size - b.size)
    .map((p) => [p.strategy, String(p.seed), String(p.size), String(p.maeDeg), String(p.medianDeg), String(p.within10)]);
  return csvFormatRows([[...CURVE_CSV_COLUMNS], ...rows]) + '\n';
}

/** Write curve.csv (creating its folder). */
export function writeCurveCsv(file: string, points: readonly CurveCsvPoint[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, formatCurveCsv(points));
}

/** Alias of formatCurveCsv (the name compare-job uses). */
export const curveCsv = formatCurveCsv;
