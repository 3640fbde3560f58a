/**
 * The labels import still reads CSV exports of older versions, whose first
 * line was a '#' comment holding the angle convention and the settings as
 * JSON (quotes and commas that a CSV parser would choke on), and reads the
 * current plain export (header first, angle_convention column) the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLabels } from '../../src/main/export/export-labels.js';
import { wrapDegrees } from '../../src/shared/angle.js';
import { parseLabelsCsv, readLabelsCsv } from '../../src/main/import/labels-import.js';
import { makeProject, tmpDir } from '../io/make-project.js';

function project() {
  const dir = tmpDir('nl-legacy-');
  const folder = path.join(dir, 'photos');
  const p = makeProject(
    [
      { folder, relPath: 'a.png', bytes: new Uint8Array([1, 2, 3]) },
      { folder, relPath: 'sub/b.png', bytes: new Uint8Array([4, 5, 6]) },
      { folder, relPath: '=cmd.png', bytes: new Uint8Array([7, 8, 9]) },
    ],
    {},
    dir,
  );
  return { ...p, folder };
}

/** An export as older versions wrote it (hand-written): '#' comment lines, then the header without angle_convention. */
function oldStyleCsv(shaA: string, eol: string): string {
  return (
    [
      "# novelty-labeler labels: angle in degrees, clockwise from image up, of the direction the object's front points; range [0, 360); " +
        'a label "no orientation / not applicable" has angle null (JSON) or empty (CSV); settings {"inputSize":64,"axial":false,"colorMode":"gray"}',
      '# a second comment line, "quoted, with commas"',
      'path,sha256,width,height,angle,no_orientation,split,annotator,labeled_at,source',
      `a.png,${shaA},8,6,90,0,train,t,2024-01-02T03:04:05.000Z,manual`,
      'sub/b.png,,8,6,,1,test,"ann, with comma",2024-01-02T03:04:06.000Z,manual',
      "'=cmd.png,,8,6,359.5,0,train,t,2024-01-02T03:04:07.000Z,manual",
    ].join(eol) + eol
  );
}

describe('labels import of older CSV exports', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`skips the leading '#' lines (${name} line ends) and reads every row, naming lines of the file`, () => {
      const { store, ids, sha, dir } = project();
      const file = path.join(dir, 'old.csv');
      fs.writeFileSync(file, oldStyleCsv(sha[0]!, eol));
      const rows = readLabelsCsv(store, file);
      expect(rows.map((r) => [r.imageId, r.value, r.line])).toEqual([
        [ids[0], { kind: 'angle', angle: 90 }, 4],
        [ids[1], { kind: 'none' }, 5],
        [ids[2], { kind: 'angle', angle: 359.5 }, 6],
      ]);
    });
  }

  it('a bad row of an old export is refused with its line counted after the comment lines', () => {
    const { store, sha } = project();
    const text = oldStyleCsv(sha[0]!, '\n').replace(',359.5,', ',north,');
    expect(() => parseLabelsCsv(store, text, 'old.csv')).toThrow(/old\.csv line 6, column angle: "north" is not a number/);
  });

  it("the current export (header first, angle_convention column) and an old '#' export of the same labels import alike", async () => {
    const { store, ids, sha, dir } = project();
    store.addLabel({ imageId: ids[0]!, value: { kind: 'angle', angle: wrapDegrees(90) }, annotator: 't' });
    store.addLabel({ imageId: ids[1]!, value: { kind: 'none' }, annotator: 't' });
    store.addLabel({ imageId: ids[2]!, value: { kind: 'angle', angle: wrapDegrees(359.5) }, annotator: 't' });
    const out = path.join(dir, 'new.csv');
    await exportLabels(store, { format: 'csv', out });
    const text = fs.readFileSync(out, 'utf8');
    expect(text.startsWith('path,')).toBe(true);
    const fromNew = readLabelsCsv(store, out).map((r) => [r.imageId, r.value]);
    const fromOld = parseLabelsCsv(store, oldStyleCsv(sha[0]!, '\n'), 'old.csv').map((r) => [r.imageId, r.value]);
    expect(fromNew).toEqual(fromOld);
    expect(fromNew).toEqual([
      [ids[0], { kind: 'angle', angle: 90 }],
      [ids[1], { kind: 'none' }],
      [ids[2], { kind: 'angle', angle: 359.5 }],
    ]);
  });
});
