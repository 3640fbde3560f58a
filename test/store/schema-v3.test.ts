/**
 * Schema 3 records which orientation model measured each curve point; a
 * version-2 project opens, migrates, and reads its older points as the
 * regressor's (the only model before version 3).
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { SCHEMA_VERSION } from '../../src/main/store/schema.js';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

const point = { size: 10, strategy: 'random', seed: 1, maeDeg: 30, medianDeg: 20, within10: 0.25, testSize: 40 };

describe('schema 3: curve points carry their orientation model', () => {
  it('stores the model of new points and migrates a version-2 project', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    const { store, file } = syntheticProject(12, 2);
    store.addCurvePoints('run-new', 'live', [{ ...point, model: 'exemplar' }]);
    expect(store.curvePoints().map((p) => p.model)).toEqual(['exemplar']);
    store.close();

    // Make it a version-2 file: no model column, one point written the old way.
    const db = new Database(file);
    db.exec('ALTER TABLE curve_points DROP COLUMN model');
    // and without what later versions add (they come back when it migrates)
    db.exec(`DROP INDEX IF EXISTS images_provisional; ALTER TABLE folders DROP COLUMN role; ALTER TABLE images DROP COLUMN mtime_ms;
      ALTER TABLE curve_points DROP COLUMN ci_low; ALTER TABLE curve_points DROP COLUMN ci_high;
      ALTER TABLE curve_points DROP COLUMN chance_deg; ALTER TABLE curve_points DROP COLUMN extra;`);
    db.prepare(
      `INSERT INTO curve_points(run_id, source, strategy, seed, size, mae_deg, median_deg, within10, test_size, created_at)
       VALUES ('run-old', 'live', 'random', 1, 20, 25, 15, 0.5, 40, '2026-01-01T00:00:00Z')`,
    ).run();
    db.pragma('user_version = 2');
    db.close();

    const again = ProjectStore.open(file);
    try {
      expect(projectSqlite(again).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      // The dropped column came back empty: both points read as the regressor's, in insertion order.
      expect(again.curvePoints().map((p) => [p.size, p.maeDeg, p.model])).toEqual([
        [10, 30, 'regressor'],
        [20, 25, 'regressor'],
      ]);
      again.addCurvePoints('run-3', 'compare', [{ ...point, size: 30, model: 'exemplar' }]);
      expect(again.curvePoints('compare').map((p) => [p.size, p.model])).toEqual([[30, 'exemplar']]);
    } finally {
      again.close();
    }
  });
});
