/**
 * Live evaluation (docs/architecture.md, pipeline stage 5): train the orientation model on the
 * labels so far and add a learning-curve point measured on the labeled test
 * split. With an interleaved queue, the novelty and random arms each get
 * their own point, so both curves grow from the same annotator's labels.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import { MIN_RELIABLE_TEST, type CurvePoint, type ImageId } from '../../shared/types.js';
import type { ProjectStore, NewCurvePoint } from '../store/project-store.js';
import { selectBackend } from '../ml/backend.js';
import type { WorkerContext as JobContext } from '../workers/protocol.js';
import type { EvaluateSpec } from './eval-specs.js';
import { periodOf } from '../../shared/angle.js';
import { BOOTSTRAP_RESAMPLES, meanInterval } from '../report/curve-bootstrap.js';
import { chanceLevel } from '../report/chance-level.js';
import { loadEncoder, loadTestSet, trainAndMeasure, type AngleSet } from './train-and-measure.js';

/** Smallest arm that gets its own learning-curve point in an interleaved project. */
const MIN_ARM_SIZE = 5;

export async function runEvaluateJob(store: ProjectStore, spec: EvaluateSpec, ctx: JobContext): Promise<CurvePoint[]> {
  await selectBackend(spec.backend);
  // Only readable, non-duplicate images train or test (a file that turned unreadable keeps its label but sits out).
  const pool = store.listPoolImages();
  const usable = new Set(pool.map((i) => i.id));
  const labels = store.currentLabels().filter((l) => l.value.kind === 'angle' && usable.has(l.imageId));
  const testIds = new Set(pool.filter((i) => i.inTestSplit).map((i) => i.id));
  const angleOf = (l: (typeof labels)[number]): number => (l.value.kind === 'angle' ? l.value.angle : NaN);
  const test = labels.filter((l) => testIds.has(l.imageId));
  const train = labels.filter((l) => !testIds.has(l.imageId));
  if (test.length === 0) {
    throw new AppError('not-enough-labels', `no labeled test-split images (the split has ${testIds.size}); label some with "next --test" first`);
  }
  if (train.length === 0) throw new AppError('not-enough-labels', 'no labeled training images with an angle yet; label some from the queue first');

  const groups = new Map<string, typeof train>();
  const novelty = train.filter((l) => l.arm === 'novelty');
  const random = train.filter((l) => l.arm === 'random');
  const orderStrategy = store.activeOrder()?.strategy ?? store.settings.strategy;
  if (orderStrategy === 'interleaved' && novelty.length >= MIN_ARM_SIZE && random.length >= MIN_ARM_SIZE) {
    groups.set('novelty', novelty);
    groups.set('random', random);
  }
  // Every training label, whatever order picked it: one line that continues across strategy switches
  // (naming it after the current strategy drew a session that switched as if it were a comparison).
  groups.set('all labels', train);

  const testSet = loadTestSet(store, { ids: test.map((l) => l.imageId), angles: Float32Array.from(test, angleOf) });
  const chance = chanceLevel(testSet.angles, periodOf(store.settings.axial), { minForCircularMean: MIN_RELIABLE_TEST });
  // The exemplar model needs no encoder (so a damaged stored model does not stop it).
  const encoder = store.settings.orientationModel === 'regressor' ? await loadEncoder(store) : null;
  const points: NewCurvePoint[] = [];
  let done = 0;
  try {
    for (const [name, group] of groups) {
      ctx.progress({ done, total: groups.size, message: `training the orientation model on ${group.length} labels (${name})` });
      const set: AngleSet = { ids: group.map((l) => l.imageId as ImageId), angles: Float32Array.from(group, angleOf) };
      const s = await trainAndMeasure(store, encoder, set, testSet, { seed: store.settings.seed, signal: ctx.signal, model: store.settings.orientationModel });
      // The same 95 % interval as compare's (one order, one model: over test images) and the chance level it is read against.
      const ci = meanInterval(s.errors, { resamples: BOOTSTRAP_RESAMPLES, seed: store.settings.seed });
      points.push({
        size: group.length,
        strategy: name,
        seed: store.settings.seed,
        maeDeg: s.maeDeg,
        medianDeg: s.medianDeg,
        within10: s.within10,
        testSize: s.n,
        model: store.settings.orientationModel,
        ciLow: ci.ciLow,
        ciHigh: ci.ciHigh,
        chanceDeg: chance.chanceDeg,
      });
      done++;
    }
  } finally {
    encoder?.dispose();
  }
  store.transaction(() => {
    // checked inside the commit: a cancelled evaluate never adds its point
    if (ctx.cancelled?.() ?? ctx.signal.aborted) throw new AppError('cancelled', 'evaluate was cancelled; no learning-curve point was added');
    store.addCurvePoints(randomUUID(), 'live', points);
  });
  ctx.progress({ done, total: groups.size, message: points.map(liveSummary).join('; ') });
  return store.curvePoints('live').slice(-points.length);
}

/** One live point in words: its error with the 95 % interval, and "not learned yet" while the interval reaches chance. */
export function liveSummary(p: Pick<CurvePoint, 'strategy' | 'size' | 'maeDeg' | 'ciLow' | 'ciHigh' | 'chanceDeg'>): string {
  const ci = p.ciLow !== undefined && p.ciHigh !== undefined ? ` (95 % interval ${p.ciLow.toFixed(1)}-${p.ciHigh.toFixed(1)})` : '';
  const atChance = p.ciHigh !== undefined && p.chanceDeg !== undefined && p.ciHigh >= p.chanceDeg;
  return `${p.strategy}: ${p.maeDeg.toFixed(1)} deg at ${p.size} labels${ci}${atChance ? `, not learned yet (within its interval of chance, ${p.chanceDeg!.toFixed(1)} deg)` : ''}`;
}
