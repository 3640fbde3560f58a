/**
 * The project database stays inside src/main/store: a ProjectStore exposes no
 * path to its SQLite connection, the lint rule refuses better-sqlite3 and the
 * database module anywhere else in src/, and the store methods that replaced
 * the SQL other modules used to run return what the raw tables hold (read
 * through an independent connection).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectStore } from '../../src/main/store/project-store.js';
import type { ImageId } from '../../src/shared/types.js';
import { projectSqlite } from '../helpers/project-sqlite.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

const stores: ProjectStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

/** Every object reachable from `root` through own properties and prototype getters. */
function reachable(root: object): unknown[] {
  const seen = new Set<unknown>();
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) continue;
    for (const key of Reflect.ownKeys(v as object)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) todo.push(d.value);
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto && proto !== Object.prototype && proto !== Function.prototype) {
      todo.push(proto);
      for (const key of Reflect.ownKeys(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        if (d.get) {
          try {
            todo.push(d.get.call(v));
          } catch {
            // a getter that needs another receiver (the prototype itself)
          }
        }
      }
    }
  }
  return [...seen];
}

describe('the database handle', () => {
  it('cannot be reached from a ProjectStore', () => {
    const { store } = syntheticProject(5, 2);
    stores.push(store);
    const objects = reachable(store);
    expect(objects.length).toBeGreaterThan(3); // the walk did run: the store, its prototype, path, settings ...
    expect(objects.filter((o) => o instanceof Database)).toEqual([]);
    expect(Object.keys(store)).toEqual(['path']);
  });

  it('is refused by lint outside src/main/store, better-sqlite3 included', async () => {
    const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '../..') });
    const code =
      "import Database from 'better-sqlite3';\nimport { ProjectDatabase } from '../store/database.js';\nexport const both = [Database, ProjectDatabase];\n";
    const rule = '@typescript-eslint/no-restricted-imports';
    const outside = await eslint.lintText(code, { filePath: 'src/main/export/probe.ts' });
    expect(outside[0]!.messages.filter((m) => m.ruleId === rule).map((m) => m.line)).toEqual([1, 2]);
    const service = await eslint.lintText(code.replace('../store/', '../../main/store/'), { filePath: 'src/main/service/deeper/probe.ts' });
    expect(service[0]!.messages.filter((m) => m.ruleId === rule).map((m) => m.line)).toEqual([1, 2]);
    const inside = await eslint.lintText(code.replace('../store/', './'), { filePath: 'src/main/store/probe.ts' });
    expect(inside[0]!.messages.filter((m) => m.ruleId === rule)).toEqual([]);
  }, 30_000);
});

describe('store methods that replaced SQL run elsewhere', () => {
  it('image folder, file stamp, largest id, folder of each image and arm of an image match the raw tables', () => {
    const { store, ids } = syntheticProject(6, 2, { testFraction: 0 });
    stores.push(store);
    const raw = projectSqlite(store);
    const second = store.folderId(path.join(path.dirname(store.path), 'more'));
    raw.prepare('UPDATE images SET folder_id = ? WHERE id IN (?, ?)').run(second, ids[1], ids[4]);
    const folderOf = store.folderOfEachImage();
    expect(folderOf.size).toBe(6);
    for (const id of ids) expect(store.imageFolderId(id)).toBe(id === ids[1] || id === ids[4] ? second : store.listFolders()[0]!.id);
    for (const id of ids) expect(folderOf.get(id)).toBe(store.imageFolderId(id));
    expect(store.imageFolderId(999 as ImageId)).toBeUndefined();
    expect(store.maxImageId()).toBe(Math.max(...ids));

    expect(store.imageFileStamp(ids[2]!)).toEqual({ sizeBytes: 1, mtimeMs: null });
    store.recordImageMtime(ids[2]!, 1234.5);
    expect(raw.prepare('SELECT mtime_ms FROM images WHERE id = ?').pluck().get(ids[2])).toBe(1234.5);
    expect(store.imageFileStamp(ids[2]!)).toEqual({ sizeBytes: 1, mtimeMs: 1234.5 });

    // No active order: every image is 'none'; then an interleaved order names each image's arm.
    expect(ids.map((id) => store.armOf(id))).toEqual(ids.map(() => 'none'));
    const arms = ['novelty', 'random', 'novelty', 'random', 'novelty', 'random'] as const;
    store.saveOrder({
      strategy: 'interleaved',
      seed: 1,
      embeddingSetId: null,
      entries: ids.map((imageId, i) => ({ imageId, coverageRadius: null, arm: arms[i]! })),
    });
    expect(ids.map((id) => store.armOf(id))).toEqual([...arms]);
  });

  it('deleteCurvePoints removes one source only', () => {
    const { store } = syntheticProject(3, 2);
    stores.push(store);
    const point = { strategy: 'fps', seed: 1, size: 10, maeDeg: 20, medianDeg: 15, within10: 0.3, testSize: 5, model: 'regressor' as const };
    store.addCurvePoints('a', 'compare', [point, { ...point, size: 20 }]);
    store.addCurvePoints('b', 'live', [point]);
    store.deleteCurvePoints('compare');
    expect(projectSqlite(store).prepare('SELECT source, size FROM curve_points ORDER BY id').all()).toEqual([{ source: 'live', size: 10 }]);
  });
});
