/**
 * Compare (docs/architecture.md, pipeline stage 6; the paper's Fig. 2): on a labeled pool, retrain
 * the orientation model on the first n images of each strategy's order, for
 * a schedule of sizes and several seeds, and measure every model on the same
 * labeled test split. Writes curve.csv, curve.svg and verdict.json: every
 * point with a 95 % bootstrap interval, the chance level, the labels each
 * strategy needs to reach random's error at its largest size (with its
 * interval) and one verdict per strategy, said only where the intervals allow
 * (report/strategy-verdict.ts). With a group column in the truth file, also
 * the distinct groups each order covers (report/group-coverage.ts).
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { periodOf } from '../../shared/angle.js';
import {
  MIN_RELIABLE_TEST,
  STRATEGIES,
  type CompareResult,
  type CurvePoint,
  type CurvePointExtra,
  type ImageId,
  type StrategyName,
} from '../../shared/types.js';
import type { NewCurvePoint, ProjectStore } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import { selectOrder } from '../selection/select-order.js';
import { readLabelsCsv } from '../import/labels-import.js';
import { readCsvTable } from '../io/csv-table.js';
import { BOOTSTRAP_RESAMPLES, bootstrapCurves } from '../report/curve-bootstrap.js';
import { chanceLevel } from '../report/chance-level.js';
import { distinctGroupsInPrefixes, GROUP_COLUMNS, nearestNeighbourCeiling, nearestNeighbourSameGroupRate } from '../report/group-coverage.js';
import { buildVerdictReport } from '../report/verdict-report.js';
import { renderCurveSvg } from '../report/curve-svg.js';
import { curveCsv } from '../report/curve-csv.js';
import { labelsNeeded } from '../report/labels-needed.js';
import { strategyVerdict } from '../report/strategy-verdict.js';
import type { WorkerContext as JobContext } from '../workers/protocol.js';
import type { CompareSpec } from './eval-specs.js';
import { poolEmbeddings } from './pool-embeddings.js';
import { checkOutputDir, checkOutputFile, guardOf, writeOutputs } from '../io/guarded-write.js';
import { loadEncoder, loadTestSet, measureErrors, measureExemplarPrefixes, trainAndMeasure, type MeasuredErrors } from './train-and-measure.js';
import { exemplarOptionsFor, isExemplarModel, matchExemplars, predictFromMatches, subsetMatches, type ExemplarMatches } from '../ml/exemplar-orientation.js';

type OrderStrategy = Exclude<StrategyName, 'interleaved'>;

/** The files compare writes into --out. */
const COMPARE_OUTPUTS = ['curve.csv', 'curve.svg', 'verdict.json'] as const;

export async function runCompareJob(store: ProjectStore, spec: CompareSpec, ctx: JobContext): Promise<CompareResult> {
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
    for (const f of COMPARE_OUTPUTS) checkOutputFile(path.resolve(spec.outDir, f), guard, `compare's ${f}`);
  }
  const emb = store.getEmbeddings();
  if (!emb) throw new AppError('no-embedding', 'the project has no embeddings yet; run "embed" first');

  // Ground truth: the truth file when given, else the project's own labels.
  const truth = new Map<ImageId, number>();
  // The group (object, source or class) of each image, when the truth file names one.
  const groupOf = new Map<ImageId, string>();
  let groupColumn: string | null = null;
  if (spec.truthFile) {
    const rows = await readLabelsCsv(store, spec.truthFile, { skipUnknownImages: true });
    for (const row of rows) {
      if (row.value.kind === 'angle') truth.set(row.imageId, row.value.angle);
    }
    const table = readCsvTable(spec.truthFile);
    groupColumn = GROUP_COLUMNS.find((c) => table.header.includes(c)) ?? null;
    if (groupColumn) {
      const gi = table.header.indexOf(groupColumn);
      const byLine = new Map(table.rows.map((r) => [r.line, r.cells[gi]!.trim()]));
      for (const row of rows) {
        const g = byLine.get(row.line);
        if (g) groupOf.set(row.imageId, g);
      }
    }
  } else {
    for (const l of store.currentLabels()) if (l.value.kind === 'angle') truth.set(l.imageId, l.value.angle);
  }
  const testImages = store.listPoolImages().filter((i) => i.inTestSplit && truth.has(i.id));
  if (testImages.length === 0) {
    throw new AppError(
      'not-enough-labels',
      'no test-split image has a ground-truth angle; give --truth with angles for the test split, or label it with "next --test"',
    );
  }
  const pool = poolEmbeddings(store, emb, { excludeTest: true, only: new Set(truth.keys()) });
  const usable = sizes.filter((s) => s <= pool.ids.length);
  if (usable.length === 0) {
    throw new AppError('not-enough-labels', `the labeled pool has ${pool.ids.length} images, fewer than the smallest size ${sizes[0]}`);
  }
  const groupCodes = new Map<string, number>();
  const groupOfRow = Int32Array.from(pool.ids, (id) => {
    const g = groupOf.get(id);
    if (g === undefined) return -1;
    return groupCodes.get(g) ?? groupCodes.set(g, groupCodes.size).get(g)!;
  });
  const hasGroups = groupColumn !== null && groupCodes.size > 0;

  const model = spec.orientationModel ?? store.settings.orientationModel;
  await selectBackend(spec.backend);
  const testSet = loadTestSet(store, { ids: testImages.map((i) => i.id), angles: Float32Array.from(testImages, (i) => truth.get(i.id)!) });
  const encoder = model === 'regressor' ? await loadEncoder(store) : null;
  const total = strategies.length * spec.seeds * usable.length;
  const measured: { strategy: OrderStrategy; seed: number; size: number; r: MeasuredErrors; orderKey: string; groups: number | null }[] = [];
  let done = 0;
  const record = (strategy: OrderStrategy, seed: number, size: number, r: MeasuredErrors, orderKey: string, groups: number | null): void => {
    measured.push({ strategy, seed, size, r, orderKey, groups });
    done++;
    ctx.progress({ done, total, message: `${strategy} seed ${seed}: ${size} labels -> ${r.maeDeg.toFixed(1)} deg mean error` });
  };
  const measuredByOrder = new Map<string, MeasuredErrors[]>();
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
      ctx.progress({
        done,
        total,
        message: `matching ${rows.length} labeled images with ${testSet.n} test images over all turns (once for every strategy and seed)`,
      });
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
        // Identity of the order itself: seeds of a deterministic strategy share it (one measurement, not a seed spread).
        const orderKey = orderHash(order.subarray(0, usable[usable.length - 1]!));
        const groups = hasGroups ? distinctGroupsInPrefixes(order, groupOfRow, usable) : null;
        if (isExemplarModel(model) && shared) {
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const prefix = order.subarray(0, usable[usable.length - 1]!);
          const m = subsetMatches(
            shared.matches,
            Array.from(prefix, (row) => shared!.column.get(row)!),
          );
          const angles = Float32Array.from(prefix, (row) => truth.get(pool.ids[row]!)!);
          usable.forEach((n, i) =>
            record(
              strategy,
              seed,
              n,
              measureErrors(predictFromMatches(m, angles, n, store.settings.axial).anglesDeg, testSet.angles, periodOf(store.settings.axial)),
              orderKey,
              groups?.[i] ?? null,
            ),
          );
          continue;
        }
        if (isExemplarModel(model)) {
          // One match for the whole order; every size is a prefix of it.
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const ids = Array.from(order.subarray(0, usable[usable.length - 1]!), (row) => pool.ids[row]!);
          // A seed-independent order (guarded-fps) is matched once, not once per seed: same order, same figures.
          const summaries =
            measuredByOrder.get(orderKey) ??
            measureExemplarPrefixes(store, { ids, angles: Float32Array.from(ids, (id) => truth.get(id)!) }, testSet, usable, undefined, model);
          measuredByOrder.set(orderKey, summaries);
          summaries.forEach((r, i) => record(strategy, seed, usable[i]!, r, orderKey, groups?.[i] ?? null));
          continue;
        }
        for (const [i, size] of usable.entries()) {
          if (ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
          const ids = Array.from(order.subarray(0, size), (row) => pool.ids[row]!);
          const r = await trainAndMeasure(store, encoder, { ids, angles: Float32Array.from(ids, (id) => truth.get(id)!) }, testSet, {
            seed,
            signal: ctx.signal,
            model,
          });
          record(strategy, seed, size, r, orderKey, groups?.[i] ?? null);
        }
      }
    }
  } finally {
    encoder?.dispose();
  }

  ctx.progress({ done, total, message: 'bootstrap intervals and the verdict' });
  const period = periodOf(store.settings.axial);
  const chance = chanceLevel(testSet.angles, period, { minForCircularMean: MIN_RELIABLE_TEST });
  const boot = bootstrapCurves(
    measured.map((m) => ({ strategy: m.strategy, seed: m.seed, size: m.size, errors: m.r.errors, orderKey: m.orderKey })),
    { resamples: BOOTSTRAP_RESAMPLES, seed: store.settings.seed },
  );
  const judged = strategyVerdict(boot, chance, { minTest: MIN_RELIABLE_TEST });
  const coverage = hasGroups
    ? {
        column: groupColumn!,
        inPool: groupCodes.size,
        nearestNeighbourSameGroup: nearestNeighbourSameGroupRate(pool.data, pool.ids.length, emb.dim, groupOfRow),
        nearestNeighbourCeiling: nearestNeighbourCeiling(groupOfRow),
        perSeed: measured.filter((m) => m.groups !== null).map((m) => ({ strategy: m.strategy, seed: m.seed, size: m.size, groups: m.groups! })),
      }
    : null;
  const report = buildVerdictReport({ boot, verdict: judged, chance, period, model, minTest: MIN_RELIABLE_TEST, coverage, seed: store.settings.seed });

  const intervalOf = new Map(boot.strategies.flatMap((s) => s.points.map((p) => [`${s.strategy}|${p.size}`, p] as const)));
  const callOf = new Map(judged.strategies.map((c) => [c.strategy, c.code]));
  const oneOrder = new Map(boot.strategies.map((s) => [s.strategy, s.identicalCurves && s.seeds.length > 1]));
  const points: NewCurvePoint[] = measured.map((m) => {
    const ci = intervalOf.get(`${m.strategy}|${m.size}`);
    const extra: CurvePointExtra = {
      ...(m.groups !== null ? { groups: m.groups } : {}),
      ...(oneOrder.get(m.strategy) ? { oneOrder: true } : {}),
      ...(callOf.has(m.strategy) ? { verdict: callOf.get(m.strategy)! } : {}),
    };
    return {
      size: m.size,
      strategy: m.strategy,
      seed: m.seed,
      maeDeg: m.r.maeDeg,
      medianDeg: m.r.medianDeg,
      within10: m.r.within10,
      testSize: m.r.n,
      model,
      ...(ci ? { ciLow: ci.ciLow, ciHigh: ci.ciHigh } : {}),
      chanceDeg: chance.chanceDeg,
      extra,
    };
  });
  const runId = randomUUID();
  store.transaction(() => {
    if (ctx.cancelled?.() ?? ctx.signal.aborted) throw new AppError('cancelled', 'compare was cancelled; no curve points were stored');
    store.deleteCurvePoints('compare');
    store.addCurvePoints(runId, 'compare', points);
    store.setCompareVerdict(report);
  });
  const stored: CurvePoint[] = store.curvePoints('compare');
  const needed = compareLabelsNeeded(stored);
  const written = spec.outDir
    ? writeCompareOutputs(store, spec.outDir, spec.overwrite ?? false, {
        csv: curveCsv(stored, { oracle: report.groups }),
        svg: renderCurveSvg(stored, {
          title: `Orientation error (${model} model) vs labeled-set size (${path.basename(store.path)})`,
          chanceDeg: chance.chanceDeg,
          ...(report.groups ? { groups: report.groups } : {}),
        }),
        json: JSON.stringify(report, null, 2) + '\n',
      })
    : null;
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
  if (spec.truthFile && !groupColumn) {
    notes.push(`the truth file has no ${GROUP_COLUMNS.join(', ')} column, so coverage of the variety (distinct groups among the first labels) is not measured`);
  }
  return {
    points: stored,
    labelsNeeded: needed,
    csvPath: written?.csv ?? null,
    svgPath: written?.svg ?? null,
    verdictPath: written?.json ?? null,
    verdict: judged.sentence,
    notes,
    report,
  };
}

/** Write curve.csv, curve.svg and verdict.json into `outDir` (creating it); returns their paths. */
function writeCompareOutputs(
  store: ProjectStore,
  outDir: string,
  overwrite: boolean,
  content: { csv: string; svg: string; json: string },
): { csv: string; svg: string; json: string } {
  const out = { csv: path.resolve(outDir, 'curve.csv'), svg: path.resolve(outDir, 'curve.svg'), json: path.resolve(outDir, 'verdict.json') };
  const guard = guardOf(store, overwrite);
  checkOutputDir(outDir, guard, 'compare --out');
  writeOutputs(
    [
      { path: out.csv, data: content.csv, what: "compare's curve.csv" },
      { path: out.svg, data: content.svg, what: "compare's curve.svg" },
      { path: out.json, data: content.json, what: "compare's verdict.json" },
    ],
    guard,
  );
  return out;
}

/** 32-bit FNV-1a over the rows of an order, as hex: equal orders give equal keys. */
function orderHash(rows: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < rows.length; i++) {
    let v = rows[i]! >>> 0;
    for (let b = 0; b < 4; b++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
      v >>>= 8;
    }
  }
  return `${rows.length}:${h.toString(16)}`;
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
