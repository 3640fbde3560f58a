/**
 * The whole novelty-labeling loop, headless, on real images:
 * init, import, embed, order, next, labels, evaluate, compare, export, status,
 * through the real CLI, on a few hundred Fashion-MNIST images rotated by
 * known angles. Checks the orientation model's test error falls as labels grow.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { makeDemoSubset, type DemoSubset } from '../helpers/demo-subset.js';
import { runCli } from '../helpers/run-cli.js';
import { angularErrorDeg as angularErrorDegrees, type Degrees, type AnglePeriod } from '../../src/shared/angle.js';
import { DEFAULT_SETTINGS } from '../../src/shared/types.js';

/** The angular error of plain numbers of degrees (the arrays and truth files here hold degrees). */
const angularErrorDeg = (a: number, b: number, period?: AnglePeriod): number => angularErrorDegrees(a as Degrees, b as Degrees, period);

let subset: DemoSubset;
let project: string;
let out: string;

function ok(args: string[]): string {
  const r = runCli(args);
  if (r.code !== 0) throw new Error(`novelty-labeler ${args.join(' ')} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

interface StatusJson {
  images: { ready: number; unreadable: number; missing: number };
  duplicates: number;
  labeled: number;
  testSplit: { size: number; labeled: number };
  embedding: { modelId: number | null; latentDim: number; backend: string | null; turns: number | null } | null;
  order: { strategy: string; length: number } | null;
  curve: { size: number; maeDeg: number; strategy: string }[];
  settings: { orientationModel: string };
}
const status = (): StatusJson => JSON.parse(ok(['status', project, '--json'])) as StatusJson;

describe('whole loop on real rotated images', () => {
  beforeAll(() => {
    subset = makeDemoSubset(30); // 300 images, 10 classes
    project = path.join(subset.root, 'loop.nlproj');
    out = path.join(subset.root, 'out');
  });

  it('imports, embeds and orders', () => {
    ok(['init', project, '--input-size', '32', '--latent-dim', '16', '--test-fraction', '0.25', '--embedder', 'autoencoder']);
    const imp = ok(['import', project, subset.images]);
    expect(imp).toContain('300 added');
    ok(['embed', project, '--epochs', '6', '--backend', 'wasm']);
    ok(['order', project, '--strategy', 'fps']);
    const st = status();
    expect(st.images).toEqual({ ready: 300, unreadable: 0, missing: 0, total: 300 });
    expect(st.testSplit.size).toBe(75);
    expect(st.embedding).toMatchObject({ latentDim: 16, backend: 'wasm', turns: 8 });
    expect(st.order).toMatchObject({ strategy: 'fps', length: 225 });
    expect(ok(['status', project])).toMatch(/rotation-pooled over 8 turns\)\n/);
  });

  it('status says when the embeddings were made with other turns than the settings ask for', () => {
    // An embedding made before the setting existed records no turns: it was the plain latent vector.
    const db = new Database(project);
    const modelId = db.prepare("SELECT MAX(id) FROM models WHERE kind = 'autoencoder'").pluck().get() as number;
    const params = db.prepare('SELECT params FROM models WHERE id = ?').pluck().get(modelId) as string;
    db.prepare('UPDATE models SET params = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(params), embeddingTurns: undefined }), modelId);
    db.close();
    expect(ok(['status', project])).toContain('plain latent vectors) - the settings ask for 8 turns: run "embed" again');
    const restore = new Database(project);
    restore.prepare('UPDATE models SET params = ? WHERE id = ?').run(params, modelId);
    restore.close();
    expect(status().embedding).toMatchObject({ turns: 8 });
  });

  it('next --json lists the queue with non-increasing coverage radii and no test images', () => {
    const lines = ok(['next', project, '--count', '50', '--json']).trim().split('\n');
    expect(lines).toHaveLength(50);
    const q = lines.map((l) => JSON.parse(l) as { id: number; path: string; rank: number; coverageRadius: number | null });
    const test = new Set(
      ok(['next', project, '--test', '--count', '1000', '--json'])
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: number }).id),
    );
    expect(test.size).toBe(75);
    for (const e of q) expect(test.has(e.id)).toBe(false);
    expect(q.map((e) => e.rank)).toEqual([...Array(50).keys()]);
    // first pick has nothing before it; later radii never grow (furthest point sampling)
    expect(q[0]!.coverageRadius).toBeNull();
    for (let i = 2; i < q.length; i++) expect(q[i]!.coverageRadius!).toBeLessThanOrEqual(q[i - 1]!.coverageRadius! + 1e-6);
  });

  it('labels, evaluates at growing sizes, and the test error falls', () => {
    // Label the test split and the first 20 queue images from the ground truth (labels import),
    // then evaluate; then label up to 200 and evaluate again.
    const rel = (p: string): string => path.relative(subset.images, p).split(path.sep).join('/');
    const testLines = ok(['next', project, '--test', '--count', '1000', '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string });
    const queue = ok(['next', project, '--count', '1000', '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; path: string });
    const csv = (rows: { path: string }[]): string => `path,angle\n${rows.map((r) => `${rel(r.path)},${subset.truth.get(rel(r.path))}`).join('\n')}\n`;
    const f1 = path.join(subset.root, 'labels-1.csv');
    fs.writeFileSync(f1, csv([...testLines, ...queue.slice(0, 20)]));
    expect(ok(['labels', 'import', project, f1])).toContain(`imported ${75 + 20} labels`);
    ok(['evaluate', project]);
    const f2 = path.join(subset.root, 'labels-2.csv');
    fs.writeFileSync(f2, csv(queue.slice(20, 200)));
    ok(['labels', 'import', project, f2]);
    ok(['evaluate', project]);
    const st = status();
    expect(st.labeled).toBe(200);
    expect(st.testSplit.labeled).toBe(75);
    const [small, large] = st.curve;
    expect(small!.size).toBe(20);
    expect(large!.size).toBe(200);
    // chance level for uniform angles is 90 degrees; the default orientation model is the aligned exemplar model
    console.log(`exemplar model: ${small!.maeDeg.toFixed(1)} deg at 20 labels, ${large!.maeDeg.toFixed(1)} at 200`);
    expect(st.settings.orientationModel).toBe('aligned-exemplar');
    expect(large!.maeDeg).toBeLessThan(small!.maeDeg - 5);
    expect(large!.maeDeg).toBeLessThan(40);
  });

  it('one label by id and by path, wrapped, and refused when not a number', () => {
    const [a, b] = ok(['next', project, '--count', '2', '--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; path: string });
    expect(ok(['label', project, String(a!.id), '-90'])).toContain('270 deg');
    expect(ok(['label', project, b!.path, '360'])).toContain(': 0 deg');
    // a labels import that changes a's label says so; one that repeats b's label does not count it
    const rel = (p: string): string => path.relative(subset.images, p).split(path.sep).join('/');
    const f3 = path.join(subset.root, 'labels-3.csv');
    fs.writeFileSync(f3, `path,angle\n${rel(a!.path)},10\n${rel(b!.path)},0\n`);
    expect(ok(['labels', 'import', project, f3])).toContain(
      'imported 1 label from ' +
        f3 +
        ' (1 replaced a different earlier label; the label history keeps the old ones); 1 already in the project with the same value, kept as they were',
    );
    const bad = runCli(['label', project, String(a!.id), 'ninety']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ANGLE "ninety" is not a number of degrees/);
  });

  it('compares novelty and random order and exports the labeled set', () => {
    // The regressor (the fine-tuned encoder) through compare; the exemplar model is measured by evaluate above.
    const text = ok([
      'compare',
      project,
      '--truth',
      subset.truthCsv,
      '--sizes',
      '20,80',
      '--seeds',
      '1',
      '--strategies',
      'fps,random',
      '--orientation-model',
      'regressor',
      '--out',
      out,
    ]);
    expect(text).toMatch(/fps: /);
    expect(text).toMatch(/random: /);
    // the plain-words verdict (report/strategy-verdict.ts) closes the per-strategy lines
    expect(text).toMatch(/^(fps saves labels on this data|No strategy is shown to save labels|The orientation model has not learned)/m);
    const curve = fs.readFileSync(path.join(out, 'curve.csv'), 'utf8').trim().split('\n');
    expect(curve[0]).toBe('strategy,seed,size,maeDeg,medianDeg,within10,ciLowDeg,ciHighDeg,chanceDeg');
    expect(curve).toHaveLength(1 + 2 * 2);
    expect(fs.readFileSync(path.join(out, 'curve.svg'), 'utf8')).toMatch(/^<svg[\s\S]*regressor model[\s\S]*<\/svg>\s*$/);
    for (const row of curve.slice(1)) expect(Number(row.split(',')[3])).toBeLessThan(90); // better than chance
    // status counts the points by the model that measured them (2 live points of the default exemplar model, 4 compare regressor points)
    expect(ok(['status', project])).toContain(
      `learning curve: 6 points (2 ${DEFAULT_SETTINGS.orientationModel}, 4 regressor); orientation model setting: ${DEFAULT_SETTINGS.orientationModel}`,
    );

    const exported = path.join(out, 'labels.csv');
    ok(['export', project, '--format', 'csv', '--out', exported]);
    const text2 = fs.readFileSync(exported, 'utf8');
    expect(text2).toMatch(/clockwise/);
    // every exported angle equals the ground truth of its image (or the two manual labels)
    const rows = text2.split('\n').filter((l) => l && !l.startsWith('#'));
    const header = rows[0]!.split(',');
    const iPath = header.indexOf('rel_path') >= 0 ? header.indexOf('rel_path') : header.indexOf('path');
    const iAngle = header.indexOf('angle_deg') >= 0 ? header.indexOf('angle_deg') : header.indexOf('angle');
    expect(iPath).toBeGreaterThanOrEqual(0);
    expect(iAngle).toBeGreaterThanOrEqual(0);
    let matches = 0;
    for (const r of rows.slice(1)) {
      const cells = r.split(',');
      const truth = subset.truth.get(cells[iPath]!.replace(/^"|"$/g, ''));
      if (truth !== undefined && angularErrorDeg(Number(cells[iAngle]), truth) < 1e-6) matches++;
    }
    expect(matches).toBe(rows.length - 1 - 2);
  });
});
