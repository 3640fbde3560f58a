/**
 * A file replaced under the same name after it was labeled is not exported
 * with the old label: every format leaves it out and names it; a file that
 * was only touched (same bytes, new time) is exported, and its new time is
 * recorded so the next export need not hash it.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { csvParse } from 'd3';
import { describe, expect, it } from 'vitest';
import { wrapDegrees } from '../../src/shared/angle.js';
import { exportLabels } from '../../src/main/export/export-labels.js';
import { makeProject, tmpDir } from '../io/make-project.js';
import { projectSqlite } from '../helpers/project-sqlite.js';

async function png(v: number, w = 12, h = 9): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: v, g: 255 - v, b: 40 } } })
    .png()
    .toBuffer();
}

async function project() {
  const dir = tmpDir('nl-changed-');
  const folder = path.join(dir, 'photos');
  const p = makeProject(
    [
      { folder, relPath: 'a.png', bytes: await png(10) },
      { folder, relPath: 'b.png', bytes: await png(100) },
      { folder, relPath: 'c.png', bytes: await png(200) },
    ],
    {},
    dir,
  );
  // labels 0, 30, 60 degrees
  p.ids.forEach((id, i) => p.store.addLabel({ imageId: id, value: { kind: 'angle', angle: wrapDegrees(30 * i) }, annotator: 't' }));
  return { ...p, folder };
}

describe('a labeled file whose content changed', () => {
  it('is left out of csv, jsonl and folder exports and named; a touched file with the same bytes is exported', async () => {
    const { store, dir, folder, ids } = await project();
    const b = path.join(folder, 'b.png');
    const c = path.join(folder, 'c.png');
    // b: another image of the same byte length (only the hash tells); c: another size
    const sameLength = await png(101);
    expect(sameLength.length).toBe(fs.statSync(b).size);
    expect(sameLength.equals(fs.readFileSync(b))).toBe(false);
    fs.writeFileSync(b, sameLength);
    fs.writeFileSync(c, await png(200, 30, 20));
    // a: same bytes, new modification time
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(folder, 'a.png'), later, later);

    const csv = await exportLabels(store, { format: 'csv', out: path.join(dir, 'labels.csv') });
    const rows = csvParse(fs.readFileSync(path.join(dir, 'labels.csv'), 'utf8'));
    expect(rows.map((r) => [r.path, r.angle])).toEqual([['a.png', '0']]);
    expect(csv.count).toBe(1);
    expect(csv.skipped.map((s) => s.path)).toEqual(['b.png', 'c.png']);
    for (const s of csv.skipped) expect(s.reason).toMatch(/no longer has the content that was labeled/);

    const jsonl = await exportLabels(store, { format: 'jsonl', out: path.join(dir, 'labels.jsonl') });
    expect(jsonl.count).toBe(1);

    const folderOut = path.join(dir, 'export');
    const f = await exportLabels(store, { format: 'folder', out: folderOut });
    expect(fs.readdirSync(path.join(folderOut, 'images'))).toEqual(['a.png']);
    const manifest = JSON.parse(fs.readFileSync(path.join(folderOut, 'manifest.json'), 'utf8')) as { skipped: { path: string }[] };
    expect(manifest.skipped.map((s) => s.path)).toEqual(['b.png', 'c.png']);
    expect(f.skipped.map((s) => s.path)).toEqual(['b.png', 'c.png']);

    // a's content was hashed once and found the same: its new time is recorded
    const mtime = projectSqlite(store).prepare('SELECT mtime_ms FROM images WHERE id = ?').pluck().get(ids[0]) as number;
    expect(mtime).toBe(fs.statSync(path.join(folder, 'a.png')).mtimeMs);

    // putting the labeled content back makes it exportable again
    fs.writeFileSync(b, await png(100));
    const again = await exportLabels(store, { format: 'csv', out: path.join(dir, 'again.csv') });
    expect(again.count).toBe(2);
    expect(again.skipped.map((s) => s.path)).toEqual(['c.png']);
  });
});
