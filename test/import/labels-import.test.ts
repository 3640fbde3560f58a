import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabelsCsv, readLabelsCsv } from '../../src/main/import/labels-import.js';
import { makeProject, tmpDir } from '../io/make-project.js';

function project(settings = {}) {
  const dir = tmpDir();
  const folder = path.join(dir, 'photos');
  const p = makeProject(
    [
      { folder, relPath: 'a/img.jpg' },
      { folder, relPath: 'b/img.jpg' },
      { folder, relPath: 'c.png' },
      { folder, relPath: 'broken.jpg', status: 'unreadable', error: 'Input file contains unsupported image format' },
    ],
    settings,
    dir,
  );
  return { ...p, folder };
}

describe('readLabelsCsv', () => {
  it('reads paths and angles, wraps into [0, 360) and reads "none" both ways', () => {
    const { store, ids, dir } = project();
    const file = path.join(dir, 'labels.csv');
    fs.writeFileSync(file, 'path,angle,none\na/img.jpg,370,0\n./b/img.jpg,-90,\nc.png,,1\n');
    const rows = readLabelsCsv(store, file);
    expect(rows.map((r) => [r.imageId, r.value, r.line])).toEqual([
      [ids[0], { kind: 'angle', angle: 10 }, 2],
      [ids[1], { kind: 'angle', angle: 270 }, 3],
      [ids[2], { kind: 'none' }, 4],
    ]);
    const none = parseLabelsCsv(store, 'PATH,Angle\nc.png,NONE\na/img.jpg,360\n', 'x.csv');
    expect(none.map((r) => r.value)).toEqual([{ kind: 'none' }, { kind: 'angle', angle: 0 }]);
  });

  it('wraps with period 180 in an axial project', () => {
    const { store } = project({ axial: true });
    const rows = parseLabelsCsv(store, 'path,angle\na/img.jpg,190\nb/img.jpg,-10\nc.png,179.5\n', 'ax.csv');
    expect(rows.map((r) => (r.value.kind === 'angle' ? r.value.angle : null))).toEqual([10, 170, 179.5]);
  });

  it('accepts sha256 keys (any case) and absolute paths, and a no_orientation column', () => {
    const { store, ids, sha, folder } = project();
    const text = `sha256,angle,no_orientation\n${sha[0]!.toUpperCase()},45,false\n${sha[2]},,yes\n`;
    expect(parseLabelsCsv(store, text, 's.csv').map((r) => [r.imageId, r.value])).toEqual([
      [ids[0], { kind: 'angle', angle: 45 }],
      [ids[2], { kind: 'none' }],
    ]);
    const abs = `path,angle\n"${path.join(folder, 'b', 'img.jpg')}",12.5\n`;
    expect(parseLabelsCsv(store, abs, 'abs.csv').map((r) => [r.imageId, r.value])).toEqual([[ids[1], { kind: 'angle', angle: 12.5 }]]);
  });

  it('skips leading # comment lines and counts them (and quoted newlines) in line numbers', () => {
    const { store } = project();
    const text = '# exported by novelty-labeler\npath,angle,note\na/img.jpg,1,"two\nlines"\nb/img.jpg,abc,x\n';
    expect(() => parseLabelsCsv(store, text, 'c.csv')).toThrow(/c\.csv line 5, column angle: "abc" is not a number of degrees/);
  });

  it.each([
    ['path,angle\na/img.jpg,90\nb/img.jpg,ninety\n', /bad\.csv line 3, column angle: "ninety" is not a number/],
    ['path,angle\na/img.jpg,1.57rad\n', /line 2, column angle: "1\.57rad"/],
    ['path,angle\na/img.jpg,NaN\n', /line 2, column angle: "NaN"/],
    ['path,angle\na/img.jpg,\n', /line 2: the angle is empty/],
    ['path,angle\na/img.jpg,10\nz/missing.jpg,20\n', /line 3: no image with path "z\/missing\.jpg"/],
    ['path,angle\na/img.jpg,10\nc.png,20\n./a/img.jpg,30\n', /lines 2 and 4 both label image a\/img\.jpg/],
    ['path,degrees\na/img.jpg,10\n', /line 1: no column named angle/],
    ['file,angle\na/img.jpg,10\n', /line 1: no key column/],
    ['path,angle,none\na/img.jpg,10,1\n', /line 2: angle 10 given but none says no orientation/],
    ['path,angle,none\na/img.jpg,,maybe\n', /line 2, column none: "maybe"/],
    ['path,angle\nbroken.jpg,10\n', /line 2: image broken\.jpg is unreadable/],
    ['path,angle\na/img.jpg,10,extra\n', /line 2: 3 fields, but the header \(line 1\) has 2 columns/],
    ['sha256,angle\nabc,10\n', /line 2: sha256 "abc" is not 64 hexadecimal digits/],
    ['', /is empty/],
  ])('refuses %j naming the line', (text, re) => {
    const { store } = project();
    expect(() => parseLabelsCsv(store, text, 'bad.csv')).toThrow(re);
    expect(store.currentLabels()).toEqual([]);
  });

  it('refuses a relative path that exists in two imported folders', () => {
    const dir = tmpDir();
    const { store } = makeProject(
      [
        { folder: path.join(dir, 'day1'), relPath: 'img.jpg' },
        { folder: path.join(dir, 'day2'), relPath: 'img.jpg' },
      ],
      {},
      dir,
    );
    expect(() => parseLabelsCsv(store, 'path,angle\nimg.jpg,5\n', 'two.csv')).toThrow(
      /line 2: path "img\.jpg" is ambiguous: it matches 2 images \("day1\/img\.jpg", "day2\/img\.jpg"/,
    );
    const ok = parseLabelsCsv(store, `path,angle\n${path.join(dir, 'day2', 'img.jpg')},5\n`, 'two.csv');
    expect(ok).toHaveLength(1);
  });

  /** Folder day1 holds img.jpg; folder other holds day1/img.jpg: "day1/img.jpg" is the first's export path and the second's relative path. */
  function overlapping() {
    const dir = tmpDir();
    const p = makeProject(
      [
        { folder: path.join(dir, 'day1'), relPath: 'img.jpg', bytes: new Uint8Array([1]) },
        { folder: path.join(dir, 'other'), relPath: 'day1/img.jpg', bytes: new Uint8Array([2]) },
      ],
      {},
      dir,
    );
    return { ...p, dir };
  }

  it("refuses a relative path that is one folder's export path and another folder's relative path, naming both", () => {
    const { store } = overlapping();
    expect(() => parseLabelsCsv(store, 'path,angle\nday1/img.jpg,5\n', 'amb.csv')).toThrow(
      /amb\.csv line 2: path "day1\/img\.jpg" is ambiguous.*day1\/img\.jpg.*other\/day1\/img\.jpg/,
    );
    // the unambiguous forms still resolve
    expect(parseLabelsCsv(store, 'path,angle\nother/day1/img.jpg,5\n', 'ok.csv').map((r) => r.imageId)).toEqual([2]);
  });

  it('a sha256 next to an ambiguous path picks the image; a path and a sha256 that disagree are refused', () => {
    const { store, ids, sha } = overlapping();
    const rows = parseLabelsCsv(store, `path,sha256,angle\nday1/img.jpg,${sha[0]},5\nday1/img.jpg,${sha[1]!.toUpperCase()},6\n`, 'both.csv');
    expect(rows.map((r) => [r.imageId, r.value])).toEqual([
      [ids[0], { kind: 'angle', angle: 5 }],
      [ids[1], { kind: 'angle', angle: 6 }],
    ]);
    // path of image 2, sha of image 1
    expect(() => parseLabelsCsv(store, `path,sha256,angle\nother/day1/img.jpg,${sha[0]},5\n`, 'mix.csv')).toThrow(
      /mix\.csv line 2: .*other\/day1\/img\.jpg.*sha256 .*do not name the same image/,
    );
    // a path not in the project with a known sha256 is refused too
    expect(() => parseLabelsCsv(store, `path,sha256,angle\nnope.jpg,${sha[0]},5\n`, 'gone.csv')).toThrow(/gone\.csv line 2: no image with path "nope\.jpg"/);
    // a row with only a sha256 (empty path) uses the sha256
    expect(parseLabelsCsv(store, `path,sha256,angle\n,${sha[1]},7\n`, 'sha.csv').map((r) => r.imageId)).toEqual([ids[1]]);
    // a sha256 column alone in a single folder project still works (see above); a malformed one next to a path is refused
    expect(() => parseLabelsCsv(store, 'path,sha256,angle\nother/day1/img.jpg,xyz,5\n', 'bad.csv')).toThrow(/line 2: sha256 "xyz" is not 64/);
  });

  it('labels the original when a path names an exact duplicate file', () => {
    const dir = tmpDir();
    const folder = path.join(dir, 'f');
    const bytes = new Uint8Array([1, 2, 3]);
    const { store, ids } = makeProject(
      [
        { folder, relPath: 'first.png', bytes },
        { folder, relPath: 'copy.png', bytes },
      ],
      {},
      dir,
    );
    expect(store.getImage(ids[1]!)!.duplicateOf).toBe(ids[0]);
    const rows = parseLabelsCsv(store, 'path,angle\ncopy.png,33\n', 'dup.csv');
    expect(rows.map((r) => r.imageId)).toEqual([ids[0]]);
    // a file and its exact duplicate with the same label: one label; with different labels: refused
    expect(parseLabelsCsv(store, 'path,angle\ncopy.png,33\nfirst.png,393\n', 'dup.csv').map((r) => [r.imageId, r.value])).toEqual([
      [ids[0], { kind: 'angle', angle: 33 }],
    ]);
    expect(() => parseLabelsCsv(store, 'path,angle\ncopy.png,33\nfirst.png,40\n', 'dup.csv')).toThrow(
      /lines 2 and 3 both label image first\.png \(one names an exact duplicate/,
    );
    expect(() => parseLabelsCsv(store, 'path,angle\nfirst.png,33\nfirst.png,33\n', 'dup.csv')).toThrow(
      /lines 2 and 3 both label image first\.png; keep one row/,
    );
  });

  it('reads the bundled demo truth.csv completely against a project of the demo folder', () => {
    const demo = path.resolve('assets/demo');
    const lines = fs.readFileSync(path.join(demo, 'truth.csv'), 'utf8').trim().split('\n').slice(1);
    const folder = path.join(demo, 'images');
    const { store } = makeProject(lines.map((l) => ({ folder, relPath: l.split(',')[0]! })));
    const rows = readLabelsCsv(store, path.join(demo, 'truth.csv'));
    expect(rows).toHaveLength(lines.length);
    rows.forEach((r, i) => expect(r.value).toEqual({ kind: 'angle', angle: Number(lines[i]!.split(',')[1]) }));
  });
});
