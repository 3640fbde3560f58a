import fs from 'node:fs';
import path from 'node:path';
import { csvParse } from 'd3';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { formatCurveCsv, writeCurveCsv, CURVE_CSV_COLUMNS } from '../../src/main/report/curve-csv.js';
import { renderCurveSvg } from '../../src/main/report/curve-svg.js';
import { labelsNeeded, sizeToReach } from '../../src/main/report/labels-needed.js';
import { tmpDir } from '../io/make-project.js';

type P = { strategy: string; seed: number; size: number; maeDeg: number; medianDeg: number; within10: number };
const pts = (strategy: string, seed: number, sizes: number[], mae: number[]): P[] =>
  sizes.map((size, i) => ({ strategy, seed, size, maeDeg: mae[i]!, medianDeg: mae[i]! / 2, within10: i / 10 }));

const SIZES = [25, 50, 100, 200];
// Hand-worked curve. random: seeds give means 60, 50, 40, 30 -> target 30 at 200.
// fps: seed 1 57 42 29 21, seed 2 53 38 27 19 -> means 55 40 28 20.
const CURVE: P[] = [
  ...pts('random', 1, SIZES, [62, 52, 41, 31]),
  ...pts('random', 2, SIZES, [58, 48, 39, 29]),
  ...pts('fps', 1, SIZES, [57, 42, 29, 21]),
  ...pts('fps', 2, SIZES, [53, 38, 27, 19]),
];

/** Minimal XML well-formedness check: every start tag closed in order, attributes quoted. */
function tagsBalanced(xml: string): boolean {
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(xml))) {
    if (/[<>]/.test(xml.slice(last, m.index))) return false; // stray bracket outside a tag
    last = re.lastIndex;
    if (m[4]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0 && !/[<>]/.test(xml.slice(last));
}

describe('labelsNeeded', () => {
  it('interpolates the hand-worked example: fps reaches random@200 (30 deg) at 92 labels', () => {
    const r = labelsNeeded(CURVE);
    const fps = r.find((x) => x.strategy === 'fps')!;
    expect(fps.reference).toBe('random');
    expect(fps.targetMaeDeg).toBeCloseTo(30, 12);
    // between (50, 40) and (100, 28): 50 + (40 - 30) / (40 - 28) * 50 = 91.67 -> 92
    expect(fps.size).toBe(92);
    expect(fps.referenceSize).toBe(200);
    expect(fps.savedShare).toBeCloseTo(1 - 92 / 200, 12);
    // seed 1: 50 + 12/13 * 50 = 96.15 -> 97; seed 2: 50 + 8/11 * 50 = 86.36 -> 87
    expect(fps.seedSizes).toEqual([
      { seed: 1, size: 97 },
      { seed: 2, size: 87 },
    ]);
    // random never reaches fps@200 (20 deg)
    const rnd = r.find((x) => x.strategy === 'random')!;
    expect([rnd.reference, rnd.targetMaeDeg, rnd.size, rnd.savedShare]).toEqual(['fps', 20, null, null]);
    expect(r).toHaveLength(2);
  });

  it('without interpolation answers the schedule size; reached at the first size answers that size', () => {
    expect(labelsNeeded(CURVE, { interpolate: false }).find((x) => x.strategy === 'fps')!.size).toBe(100);
    expect(
      sizeToReach(
        [
          { size: 10, mae: 5 },
          { size: 20, mae: 4 },
        ],
        6,
      ),
    ).toBe(10);
    expect(
      sizeToReach(
        [
          { size: 10, mae: 9 },
          { size: 20, mae: 7 },
        ],
        6,
      ),
    ).toBeNull();
    // exactly on a schedule point: 40 at 50 -> 50
    expect(
      sizeToReach(
        [
          { size: 25, mae: 55 },
          { size: 50, mae: 40 },
        ],
        40,
      ),
    ).toBe(50);
    // first crossing counts even if the curve later rises again
    expect(
      sizeToReach(
        [
          { size: 10, mae: 10 },
          { size: 20, mae: 6 },
          { size: 40, mae: 8 },
        ],
        8,
      ),
    ).toBe(15);
  });

  it('pairs every strategy against every other when the reference is absent', () => {
    const r = labelsNeeded([...pts('a', 1, [10, 20], [10, 5]), ...pts('b', 1, [10, 20], [8, 6])]);
    // a vs b@20 (6 deg): between (10, 10) and (20, 5): 10 + (10 - 6) / (10 - 5) * 10 = 18; b never reaches a@20 (5 deg)
    expect(r.map((x) => [x.strategy, x.reference, x.size])).toEqual([
      ['a', 'b', 18],
      ['b', 'a', null],
    ]);
  });
});

describe('renderCurveSvg', () => {
  it('is well-formed SVG with one line and one band per strategy, a legend, axis labels with units and a title', async () => {
    const svg = renderCurveSvg(CURVE, { title: 'Demo <compare> & more' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    // a real XML parser (librsvg through sharp) accepts and renders it
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([720, 440]);
    const lines = [...svg.matchAll(/<path class="curve-line" data-strategy="([^"]+)" d="([^"]+)"/g)];
    expect(lines.map((m) => m[1])).toEqual(['random', 'fps']);
    // each line has one vertex per schedule size: M + 3 L
    for (const m of lines) expect((m[2]!.match(/[ML]/g) ?? []).length).toBe(SIZES.length);
    expect([...svg.matchAll(/class="curve-band"/g)]).toHaveLength(2);
    expect(svg).toContain('mean absolute angular error (degrees)');
    // 25..200 spans less than a decade: linear x
    expect(svg).toContain('labeled-set size (images)');
    expect(renderCurveSvg(pts('random', 1, [10, 40, 400], [50, 40, 30]))).toContain('labeled-set size (images, log scale)');
    expect(svg).toContain('Demo &lt;compare&gt; &amp; more');
    expect(svg).toMatch(/<g class="legend"[^>]*>[\s\S]*random[\s\S]*fps/);
  });

  it('places the mean line at the mean over seeds (linear x when the sizes span less than a decade)', () => {
    const svg = renderCurveSvg([...pts('random', 1, [100, 200], [40, 20]), ...pts('random', 2, [100, 200], [20, 10])], { width: 600, height: 400 });
    expect(svg).toContain('labeled-set size (images)');
    expect(svg).not.toContain('log scale');
    // means 30 and 15; y domain [0, 40 * 1.05] niced to [0, 45]; inner height 400 - 48 - 56 = 296; inner width 600 - 64 - 220 = 316
    const d = /class="curve-line" data-strategy="random" d="([^"]+)"/.exec(svg)![1]!;
    const nums = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(nums[0]).toBeCloseTo(0, 1);
    expect(nums[1]).toBeCloseTo(296 - (30 / 45) * 296, 1);
    expect(nums[2]).toBeCloseTo(316, 1);
    expect(nums[3]).toBeCloseTo(296 - (15 / 45) * 296, 1);
    // the min-max band spans 20..40 at x = 0
    const band = /class="curve-band" data-strategy="random" d="([^"]+)"/.exec(svg)![1]!;
    const b = band.match(/-?\d+(\.\d+)?/g)!.map(Number);
    const ys = b.filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBeCloseTo(296 - (40 / 45) * 296, 1);
    expect(Math.max(...ys)).toBeCloseTo(296 - (10 / 45) * 296, 1);
  });

  it('draws the 95 % interval as the band, the chance line and a group table when the points carry them', async () => {
    // random, 2 seeds at 100 and 200 labels: means 30 and 15, intervals [20, 44] and [8, 22]; chance 90; groups per seed.
    const ci = (size: number) => (size === 100 ? { ciLow: 20, ciHigh: 44 } : { ciLow: 8, ciHigh: 22 });
    const points = [...pts('random', 1, [100, 200], [40, 20]), ...pts('random', 2, [100, 200], [20, 10])].map((p) => ({
      ...p,
      ...ci(p.size),
      chanceDeg: 90,
      extra: { groups: p.seed === 1 ? p.size / 20 : p.size / 10 },
    }));
    const svg = renderCurveSvg(points, { width: 600, height: 400, groups: { column: 'source', inPool: 12, nearestNeighbourSameGroup: 0.5 } });
    expect(tagsBalanced(svg)).toBe(true);
    await sharp(Buffer.from(svg)).png().toBuffer();
    // y domain [0, 90 * 1.05] niced to [0, 100]; inner height 296
    const yOf = (deg: number) => 296 - (deg / 100) * 296;
    const band = /class="curve-band" data-strategy="random" d="([^"]+)"/.exec(svg)![1]!;
    const ys = band
      .match(/-?\d+(\.\d+)?/g)!
      .map(Number)
      .filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBeCloseTo(yOf(44), 1);
    expect(Math.max(...ys)).toBeCloseTo(yOf(8), 1);
    const chance = /<g class="chance"><line x1="0" x2="[\d.]+" y1="([\d.]+)"/.exec(svg)!;
    expect(Number(chance[1])).toBeCloseTo(yOf(90), 1);
    expect(svg).toContain('mean of 2 seeds, band 95 % interval');
    // groups: means over seeds (5 + 10) / 2 = 7.5 at 100, 15 at 200; oracle min(n, 12) = 12, 12
    const table = /<g class="group-coverage"[\s\S]*?<\/g>\n<\/svg>/.exec(svg)![0];
    expect(table).toContain('nearest neighbour in the embedding is of the same source for 50 % of images');
    expect(table).toMatch(/<text>random<\/text><text[^>]*>7.5<\/text><text[^>]*>15<\/text>/);
    expect(table).toMatch(/oracle min\(n, groups\)<\/text><text[^>]*>12<\/text><text[^>]*>12<\/text>/);
  });

  it('says so when there are no points', () => {
    const svg = renderCurveSvg([]);
    expect(tagsBalanced(svg)).toBe(true);
    expect(svg).toContain('no learning-curve points yet');
    expect(svg).not.toContain('curve-line');
  });
});

describe('curve.csv', () => {
  it('has the columns strategy, seed, size, maeDeg, medianDeg, within10 and reads back', () => {
    const file = path.join(tmpDir(), 'out', 'curve.csv');
    writeCurveCsv(file, CURVE);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('strategy,seed,size,maeDeg,medianDeg,within10');
    expect([...CURVE_CSV_COLUMNS]).toEqual(['strategy', 'seed', 'size', 'maeDeg', 'medianDeg', 'within10']);
    const rows = csvParse(text);
    expect(rows).toHaveLength(CURVE.length);
    const key = (p: { strategy?: string; seed: unknown; size: unknown }) => `${p.strategy}/${p.seed}/${p.size}`;
    const byKey = new Map(CURVE.map((p) => [key(p), p]));
    for (const r of rows) {
      const p = byKey.get(key(r as never))!;
      expect([Number(r.maeDeg), Number(r.medianDeg), Number(r.within10)]).toEqual([p.maeDeg, p.medianDeg, p.within10]);
    }
    expect(formatCurveCsv([{ strategy: 'a,b', seed: 1, size: 2, maeDeg: 3, medianDeg: 4, within10: 0.5 }])).toContain('"a,b",1,2,3,4,0.5');
  });
});
