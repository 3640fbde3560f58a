/** compare --truth: a ground-truth file may cover more images than the project holds. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readLabelsCsv } from '../../src/main/import/labels-import.js';
import { syntheticProject } from '../helpers/synthetic-project.js';

describe('readLabelsCsv with skipUnknownImages', () => {
  it('leaves out rows for images the project does not have, and still refuses malformed rows', () => {
    const { store, ids, file } = syntheticProject(3, 2);
    const csv = path.join(path.dirname(file), 'truth.csv');
    fs.writeFileSync(csv, `id,angle\n${ids[0]},10\n9999,20\n${ids[2]},370\n`);
    expect(() => readLabelsCsv(store, csv)).toThrow(/line 3: no image with id 9999 in this project; nothing was imported/);
    const rows = readLabelsCsv(store, csv, { skipUnknownImages: true });
    expect(rows.map((r) => [r.imageId, r.value.kind === 'angle' ? r.value.angle : null, r.line])).toEqual([
      [ids[0], 10, 2],
      [ids[2], 10, 4],
    ]);
    fs.writeFileSync(csv, `id,angle\n9999,20\n${ids[1]},abc\n`);
    expect(() => readLabelsCsv(store, csv, { skipUnknownImages: true })).toThrow(/line 3, column angle: "abc" is not a number of degrees/);
    store.close();
  });
});
