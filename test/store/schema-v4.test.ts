/**
 * Schema 4 rebuilds the models table (so a contrastive embedder can be stored)
 * and adds folder roles, file modification times and curve-point intervals. A
 * version-3 project with models and the embeddings that reference them opens,
 * migrates, and keeps every id and reference.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/main/store/schema.js';
import { syntheticProject } from '../helpers/synthetic-project.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

describe('schema 4', () => {
  it('migrates a version-3 project without losing models or their embeddings', () => {
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
    // A version-3 file built by the first three migrations, with a model and an embedding set using it.
    const { store, file } = syntheticProject(6, 2);
    const modelId = store.saveModel({ kind: 'autoencoder', backend: 'wasm', params: { latentDim: 2 }, topology: null, weights: new Uint8Array([1, 2, 3]) });
    const ids = store.getEmbeddings()!.ids;
    store.saveEmbeddings({ modelId, source: 'autoencoder', backend: 'wasm', loss: 0.5, ids, dim: 2, data: new Float32Array(ids.length * 2), pca: null });
    store.close();
    const raw = new Database(file);
    const v3 = new Database(':memory:');
    for (let v = 0; v < 3; v++) v3.exec(MIGRATIONS[v]!);
    const v3ModelsSql = (v3.prepare("SELECT sql FROM sqlite_master WHERE name = 'models'").get() as { sql: string }).sql;
    v3.close();
    // Turn the synthetic (version-4) file back into version 3: the old models table and no new columns.
    raw.pragma('foreign_keys = OFF');
    raw.exec(`
      CREATE TABLE models_old AS SELECT * FROM models;
      DROP TABLE models;
      ${v3ModelsSql};
      INSERT INTO models SELECT * FROM models_old;
      DROP TABLE models_old;
      DROP INDEX IF EXISTS images_provisional;
      ALTER TABLE folders DROP COLUMN role;
      ALTER TABLE images DROP COLUMN mtime_ms;
      ALTER TABLE curve_points DROP COLUMN ci_low;
      ALTER TABLE curve_points DROP COLUMN ci_high;
      ALTER TABLE curve_points DROP COLUMN chance_deg;
      ALTER TABLE curve_points DROP COLUMN extra;
    `);
    raw.pragma('user_version = 3');
    const before = raw.prepare('SELECT id, kind, params FROM models ORDER BY id').all();
    const setsBefore = raw.prepare('SELECT id, model_id FROM embedding_sets ORDER BY id').all();
    expect(setsBefore).toContainEqual({ id: expect.any(Number), model_id: modelId });
    expect(() => raw.prepare("INSERT INTO models(kind, created_at, params) VALUES ('contrastive', 'x', '{}')").run()).toThrow(/CHECK/);
    raw.close();

    // read-only: a private migrated copy is read, the file stays at version 3
    const ro = ProjectStore.open(file, { readonly: true });
    try {
      expect(ro.listFolders().map((f) => f.role)).toEqual(['pool']);
      expect(ro.curvePoints()).toEqual([]);
      expect(ro.getEmbeddings()!.ids.length).toBe(ids.length);
    } finally {
      ro.close();
    }
    const peek = new Database(file, { readonly: true });
    expect(peek.pragma('user_version', { simple: true })).toBe(3);
    peek.close();

    const again = ProjectStore.open(file);
    try {
      expect(projectSqlite(again).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(projectSqlite(again).prepare('SELECT id, kind, params FROM models ORDER BY id').all()).toEqual(before);
      expect(projectSqlite(again).prepare('SELECT id, model_id FROM embedding_sets ORDER BY id').all()).toEqual(setsBefore);
      expect(projectSqlite(again).pragma('foreign_key_check')).toEqual([]);
      expect(columns(projectSqlite(again), 'folders')).toContain('role');
      expect(columns(projectSqlite(again), 'images')).toContain('mtime_ms');
      expect(columns(projectSqlite(again), 'curve_points')).toEqual(expect.arrayContaining(['ci_low', 'ci_high', 'chance_deg', 'extra']));
      const id = again.saveModel({ kind: 'contrastive', backend: 'wasm', params: { embedder: 'contrastive' }, topology: null, weights: null });
      expect(again.latestModel('contrastive')?.id).toBe(id);
      expect(
        projectSqlite(again)
          .prepare('SELECT role FROM folders')
          .all()
          .every((r) => (r as { role: string }).role === 'pool'),
      ).toBe(true);
    } finally {
      again.close();
    }
  });
});
