/**
 * `novelty-labeler demo`: the whole loop on the bundled real images (rotated
 * Fashion-MNIST, angles known) with a simulated annotator: import, embed,
 * order by furthest point sampling, label the test split and then the queue
 * in novelty order from the ground truth, add live learning-curve points,
 * compare novelty against random order, and export.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import { DEFAULT_SETTINGS, type BackendChoice, type ImageId, type JobProgress, type LabelValue } from '../../shared/types.js';
import { LabelerService } from '../service/labeler-service.js';
import { ProgressPrinter, formatSeconds } from './progress-printer.js';
import { demoFolder, demoTruthFile } from '../service/bundled-files.js';
import { printCompare } from './print-compare.js';
import { checkUserPath, makeDirs } from '../service/user-paths.js';

export interface DemoOptions {
  readonly out: string;
  readonly epochs?: number | undefined;
  readonly labels: number;
  readonly sizes: readonly number[];
  readonly seeds: number;
  readonly strategies: readonly string[];
  readonly backend: BackendChoice;
  readonly dataDir: string;
}

/** Demo projects use 32 px model inputs: the demo images are 40 px. */
export const DEMO_INPUT_SIZE = 32;

export async function runDemo(o: DemoOptions): Promise<void> {
  const images = demoFolder();
  const truthFile = demoTruthFile();
  if (!images || !truthFile) throw new AppError('not-found', 'the bundled demo images (assets/demo) are missing from this installation');
  const out = checkUserPath(o.out, 'a place for the demo');
  const project = path.join(out, 'demo.nlproj');
  // The demo replaces its own earlier outputs, never a folder of other files.
  const st = fs.lstatSync(out, { throwIfNoEntry: false });
  if (st?.isSymbolicLink())
    throw new AppError('invalid-argument', `${out} is a symbolic link; the demo writes only into a real folder: give a new folder for --out`);
  if (st && !st.isDirectory()) throw new AppError('invalid-argument', `${out} is not a folder; give a new folder for --out`);
  if (st && fs.readdirSync(out).length > 0 && !fs.existsSync(project)) {
    throw new AppError('invalid-argument', `${out} is not empty and holds no earlier demo (demo.nlproj); give a new or empty folder for --out`);
  }
  makeDirs(out, 'the demo folder');
  for (const f of [project, `${project}-wal`, `${project}-shm`]) fs.rmSync(f, { force: true });

  const t0 = Date.now();
  const stageTimes: [string, number][] = [];
  let tStage = Date.now();
  const printer = new ProgressPrinter();
  const stage = (name: string): void => {
    const now = Date.now();
    stageTimes.push([name, (now - tStage) / 1000]);
    tStage = now;
  };

  const svc = await LabelerService.create({ dataDir: o.dataDir, demoFolder: images, backend: o.backend, annotator: 'simulated' });
  svc.onEvent((event, payload) => {
    if (event === 'job:progress') printer.update(payload as JobProgress);
  });
  try {
    printer.line(`demo: project ${project}`);
    await svc.invoke('project:create', {
      path: project,
      settings: { inputSize: DEMO_INPUT_SIZE, latentDim: 32, testFraction: 0.1, seed: 1, strategy: DEFAULT_SETTINGS.strategy },
    });

    const imp = await svc.invoke('images:import', { folder: images });
    printer.line(
      `imported ${imp.ready} images (${imp.unreadable.length} unreadable, ${imp.duplicates} duplicates); test split ${(await svc.invoke('project:status', {})).testSplit.size}`,
    );
    stage('import');

    const emb = await svc.invoke('embed:run', { ...(o.epochs ? { epochs: o.epochs } : {}), backend: o.backend });
    printer.line(`autoencoder trained on ${emb.count} images (${emb.backend}), reconstruction loss ${emb.loss?.toFixed(5)}`);
    stage('embed');

    const ord = await svc.invoke('order:run', { strategy: DEFAULT_SETTINGS.strategy });
    printer.line(`novelty order (${ord.strategy}) of ${ord.length} images`);
    stage('order');

    // The simulated annotator: labels come from the ground truth.
    const truth = new Map<ImageId, LabelValue>();
    for (const r of await svc.invoke('labels:read', { file: truthFile })) if (r.value.kind === 'angle') truth.set(r.imageId, r.value);
    const test = await svc.invoke('labels:import', { file: truthFile, split: 'test', annotator: 'simulated', source: 'simulated' });
    printer.line(`simulated annotator labeled the test split (${test.imported} images)`);
    const checkpoints = new Set(o.sizes.filter((s) => s <= o.labels));
    let labeled = 0;
    while (labeled < o.labels) {
      const [next] = await svc.invoke('queue:next', { count: 1 });
      if (!next) break;
      const value: LabelValue = truth.get(next.imageId) ?? { kind: 'none' };
      await svc.invoke('labels:add', { labels: [{ imageId: next.imageId, value, arm: next.arm, durationMs: 0 }], annotator: 'simulated', source: 'simulated' });
      labeled++;
      if (checkpoints.has(labeled)) {
        const [pt] = await svc.invoke('evaluate:run', {});
        if (pt) printer.line(`live learning curve: ${pt.size} labels in novelty order -> mean angular error ${pt.maeDeg.toFixed(1)} deg`);
      }
    }
    stage('label + live curve');

    const cmp = await svc.invoke('compare:run', { truthFile, sizes: o.sizes, seeds: o.seeds, strategies: o.strategies, outDir: out, overwrite: true });
    printCompare(cmp);
    stage('compare');

    const csv = path.join(out, 'labels.csv');
    const jsonl = path.join(out, 'labels.jsonl');
    await svc.invoke('export:run', { format: 'csv', out: csv, overwrite: true });
    await svc.invoke('export:run', { format: 'jsonl', out: jsonl, overwrite: true });
    stage('export');

    const total = (Date.now() - t0) / 1000;
    console.log('');
    console.log(`demo finished in ${formatSeconds(total)} (${stageTimes.map(([n, s]) => `${n} ${formatSeconds(s)}`).join(', ')})`);
    console.log(`  project:        ${project}   (try: novelty-labeler status ${path.relative(process.cwd(), project) || project})`);
    console.log(`  learning curve: ${cmp.csvPath}`);
    console.log(`  chart:          ${cmp.svgPath}`);
    console.log(`  labels:         ${csv}, ${jsonl}`);
  } finally {
    svc.close();
  }
}
