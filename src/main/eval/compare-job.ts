/**
 * Compare (DESIGN pipeline 6; the paper's Fig. 2): on a labeled pool, retrain
 * the orientation model on the first n images of each strategy's order, for
 * a schedule of sizes and several seeds, and measure every model on the same
 * labeled test split. Writes curve.csv and curve.svg and reports how many
 * labels each strategy needs to reach the reference's error at its largest size.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { ErrorSummary } from '../../shared/angle.js';
import { MIN_RELIABLE_TEST, STRATEGIES, type CompareResult, type CurvePoint, type ImageId, type StrategyName } from '../../shared/types.js';
import type { NewCurvePoint, ProjectStore } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { selectOrder } from '../selection/select-order.js';
import { readLabelsCsv } from '../io/labels-import.js';
import { renderCurveSvg } from '../report/curve-svg.js';
import { curveCsv } from '../report/curve-csv.js';
import { labelsNeeded } from '../report/labels-needed.js';
import { strategyVerdict } from '../report/strategy-verdict.js';
import type { JobContext, JobSpec } from '../jobs/job-types.js';
import { poolEmbeddings } from './pool-embeddings.js';
import { checkOutputDir, checkOutputFile, guardOf, writeOutputs } from '../io/guarded-write.js';
import { loadEncoder, loadTestSet, measureExemplarPrefixes, trainAndMeasure } from './train-and-measure.js';
import { exemplarOptionsFor, isExemplarModel, matchExemplars, predictFromMatches, subsetMatches, type ExemplarMatches } from '../ml/exemplar-orientation.js';
import { periodOf, summarizeAngularErrors } from '../../shared/angle.js';

type OrderStrategy = Exclude<StrategyName, 'interleaved'>;


export async function runCompareJob(store: ProjectStore, spec: Extract<JobSpec, { kind: 'compare' }>, ctx: JobContext): Promise<CompareResult> {
  const strategies = spec.strategies.map((s) => {
    if (!STRATEGIES.includes(s as StrategyName) || s === 'interleaved') {
      throw new AppError('invalid-argument', `--strategies: unknown strategy "${s}"; use ${STRATEGIES.filter((x) => x !== 'interleaved').join(', ')}`);
    }
    return s as OrderStrategy;
  });
  const sizes = [...new Set(spec.sizes)].sort((a, b) => a - b);
  if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new AppError('invalid-argument', `--sizes must be positive whole numbers, e.g. 25,50,100; got ${spec.sizes.join(',')}`);
  }
  if (!Number.isInteger(spec.seeds) || spec.seeds < 1) throw new AppError('invalid-argument', `--seeds must be a whole number >= 1; got ${spec.seeds}`);

  if (spec.outDir) {
    // refused outputs fail before the long run, not after it
    const guard = guardOf(store, spec.overwrite ?? false);
    checkOutputDir(spec.outDir, guard, 'compare --out');
    for (const f of ['curve.csv', 'curve.svg']) checkOutputFile(path.resolve(spec.outDir, f), guard, `compare's ${f}`);
  }
  const emb = store.getEmbeddings();
  if (!emb) throw new AppError('no-embedding', 'the project has no embeddings yet; run "embed" first');

  // Ground truth: the truth file when given, else the project's own labels.
  const truth = new Map<ImageId, number>();
  if (spec.truthFile) {
    for (const row of await readLabelsCsv(store, spec.truthFile, { skipUnknownImages: true })) {
      if (row.value.kind === 'angle') truth.set(row.imageId, row.value.angle);
    }
  } else {
    for (const l of store.currentLabels()) if (l.value.kind === 'angle') truth.set(l.imageId, l.value.angle);
  }
  const testImages = store.listPoolImages().filter((i) => i.inTestSplit && truth.has(i.id));
  if (testImages.length === 0) {
    throw new AppError('not-enough-labels', 'no test-split image has a ground-truth angle; give --truth with angles for the test split, or label it with "next --test"');
  }
  const pool = poolEmbeddings(store, emb, { excludeTest: true, only: new Set(truth.keys()) });
  const usable = sizes.filter((s) => s <= pool.ids.length);
  if (usable.length === 0) {
    throw new AppError('not-enough-labels', `the labeled pool has ${pool.ids.length} images, fewer than the smallest size ${sizes[0]}`);
  }

  const model = spec.orientationModel ?? store.settings.orientationModel;
  await selectBackend(spec.backend);
  const testSet = loadTestSet(store, { ids: testImages.map((i) => i.id), angles: Float32Array.from(testImages, (i) => truth.get(i.id)!) });
  const encoder = model === 'regressor' ? await loadEncoder(store) : null;
  const total = strategies.length * spec.seeds * usable.length;
  const points: NewCurvePoint[] = [];
  let done = 0;
  const record = (strategy: OrderStrategy, seed: number, size: number, r: ErrorSummary): void => {
    points.push({ size, strategy, seed, maeDeg: r.maeDeg, medianDeg: r.medianDeg, within10: r.within10, testSize: r.n, model });
    done++;
    ctx.progress({ done, total, message: `${strategy} seed ${seed}: ${size} labels -> ${r.maeDeg.toFixed(1)} deg mean error` });
  };
  const measured = new Map<string, ErrorSummary[]>();
  // Exemplar models: every order is selected first, and the union of their
  // labeled sets is matched against the test split once (a match of one
  // exemplar with one test image does not depend on the other exemplars), so
  // many strategies and seeds cost one match instead of one each. Skipped when
  // the union's matches would not fit in about 400 MB.
  const orderOf = (strategy: OrderStrategy, seed: number): Int32Array =>
    selectOrder(strategy, { data: pool.data, n: pool.ids.length, d: emb.dim, labeled: [], seed, k: usable[usable.length - 1]! }).order;
  let shared: { readonly column: Map<number, number>; readonly matches: ExemplarMatches } | null = null;
  const orders = new Map<string, Int32Array>();
  if (isExemplarModel(model)) {
    const union = new Set<number>();
    for (const strategy of strategies) {
      for (let s = 1; s <= spec.seeds; s++) {
        if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
        const order = orderOf(strategy, store.settings.seed * 1000 + s);
        orders.set(`${strategy}:${s}`, order);
        for (const row of order) union.add(row);
      }
    }
    if (union.size * testSet.n <= 50_000_000) {
      const rows = [...union].sort((a, b) => a - b);
      ctx.progress({ done, total, message: `matching ${rows.length} labeled images with ${testSet.n} test images over all turns (once for every strategy and seed)` });
      const { data, channels } = store.getModelInputs(rows.map((r) => pool.ids[r]!));
      const matches = matchExemplars(data, rows.length, testSet.inputs, testSet.n, store.settings.inputSize, channels, exemplarOptionsFor(model));
      shared = { column: new Map(rows.map((r, j) => [r, j])), matches };
    }
  }
  try {
    for (const strategy of strategies) {
      for (let s = 1; s <= spec.seeds; s++) {
        const seed = store.settings.seed * 1000 + s;
        const order = orders.get(`${strategy}:${s}`) ?? orderOf(strategy, seed);
        if (isExemplarModel(model) && shared) {
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const prefix = order.subarray(0, usable[usable.length - 1]!);
          const m = subsetMatches(shared.matches, Array.from(prefix, (row) => shared!.column.get(row)!));
          const angles = Float32Array.from(prefix, (row) => truth.get(pool.ids[row]!)!);
          usable.forEach((n) => record(strategy, seed, n, summarizeAngularErrors(predictFromMatches(m, angles, n, store.settings.axial).anglesDeg, testSet.angles, periodOf(store.settings.axial))));
          continue;
        }
        if (isExemplarModel(model)) {
          // One match for the whole order; every size is a prefix of it.
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const ids = Array.from(order.subarray(0, usable[usable.length - 1]!), (row) => pool.ids[row]!);
          // A seed-independent order (guarded-fps) is matched once, not once per seed: same order, same figures.
          const key = `${strategy}:${ids.join(',')}`;
          const summaries = measured.get(key) ?? measureExemplarPrefixes(store, { ids, angles: Float32Array.from(ids, (id) => truth.get(id)!) }, testSet, usable, undefined, model);
          measured.set(key, summaries);
          summaries.forEach((r, i) => record(strategy, seed, usable[i]!, r));
          continue;
        }
        for (const size of usable) {
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const ids = Array.from(order.subarray(0, size), (row) => pool.ids[row]!);
          const r = await trainAndMeasure(store, encoder, { ids, angles: Float32Array.from(ids, (id) => truth.get(id)!) }, testSet, { seed, signal: ctx.signal, model });
          record(strategy, seed, size, r);
        }
      }
    }
  } finally {
    encoder?.dispose();
  }

  const runId = randomUUID();
  store.transaction(() => {
    if (ctx.cancelled?.() ?? ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
    store.db.prepare("DELETE FROM curve_points WHERE source = 'compare'").run();
    store.addCurvePoints(runId, 'compare', points);
  });
  const stored: CurvePoint[] = store.curvePoints('compare');
  const needed = compareLabelsNeeded(stored);
  let csvPath: string | null = null;
  let svgPath: string | null = null;
  if (spec.outDir) {
    csvPath = path.resolve(spec.outDir, 'curve.csv');
    svgPath = path.resolve(spec.outDir, 'curve.svg');
    const guard = guardOf(store, spec.overwrite ?? false);
    checkOutputDir(spec.outDir, guard, 'compare --out');
    writeOutputs(
      [
        { path: csvPath, data: curveCsv(stored), what: "compare's curve.csv" },
        { path: svgPath, data: renderCurveSvg(stored, { title: `Orientation error (${model} model) vs labeled-set size (${path.basename(store.path)})` }), what: "compare's curve.svg" },
      ],
      guard,
    );
  }
  const notes: string[] = [];
  if (testImages.length < MIN_RELIABLE_TEST) {
    notes.push(
      `the test split has only ${testImages.length} images with a ground-truth angle: error figures this noisy cannot tell strategies apart; give truth for more images (at least ${MIN_RELIABLE_TEST} in the test split)`,
    );
  }
  const dropped = sizes.filter((s) => s > pool.ids.length);
  if (dropped.length > 0) {
    notes.push(`sizes ${dropped.join(', ')} were left out: the labeled pool (test split excluded) has only ${pool.ids.length} images`);
  }
  // Too few test images: any verdict would be noise, so none is given (the note says why).
  const verdict =
    testImages.length < MIN_RELIABLE_TEST
      ? `No verdict: the test split has only ${testImages.length} images with a ground-truth angle (at least ${MIN_RELIABLE_TEST} are needed to tell strategies apart).`
      : strategyVerdict(stored, needed).sentence;
  return { points: stored, labelsNeeded: needed, csvPath, svgPath, verdict, notes };
}

/**
 * Labels each strategy needs to reach random order's error at random's
 * largest size, and random's need against each other strategy's error at its
 * largest size (both directions of the paper's comparison).
 * Without a random arm, every ordered pair.
 */
export function compareLabelsNeeded(points: readonly CurvePoint[]): CompareResult['labelsNeeded'] {
  const strategies = [...new Set(points.map((p) => p.strategy))];
  if (!strategies.includes('random')) return labelsNeeded(points, { reference: '' });
  const out: CompareResult['labelsNeeded'][number][] = labelsNeeded(points, { reference: 'random' }).filter((n) => n.strategy !== 'random');
  for (const s of strategies.filter((x) => x !== 'random')) {
    const pair = points.filter((p) => p.strategy === s || p.strategy === 'random');
    out.push(...labelsNeeded(pair, { reference: s }).filter((n) => n.strategy === 'random'));
  }
  return out;
}
