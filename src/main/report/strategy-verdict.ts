/**
 * The verdict of a comparison, said only as far as the data shows it.
 *
 * Inputs: the bootstrap of the learning curves (curve-bootstrap.ts: every
 * point with its 95 % interval, paired differences to random order and the
 * labels each strategy needs to reach random's error at random's largest
 * size, with intervals) and the chance level (chance-level.ts).
 *
 * Rules, per strategy (one code each):
 * - `too-few-test`: fewer than `minTest` test images (default 50): no verdict.
 * - `not-learned`: no point of its curve is below chance beyond its interval
 *   (ciHigh >= chance everywhere). When no curve has learned, the sentence says
 *   the orientation model has not learned on this data yet and gives no
 *   strategy verdict.
 * - `saves`: the labels it needs to reach random's error at random's largest
 *   size are fewer than random itself needs for that error (its own curve may
 *   get there before its largest size) over the whole paired interval (the
 *   labels-saved interval excludes zero).
 * - `worse`: it needs more labels than random over the whole interval (or
 *   does not reach random's error at all within the sizes tried), or it is
 *   worse than random at some size (paired difference interval above zero)
 *   and better at none.
 * - `no-difference`: otherwise ("no difference shown": the intervals include
 *   zero). Random itself, the reference, gets `no-difference` once it learned.
 * "better" / "worse" at a size: the paired difference's interval excludes zero.
 */
import type { VerdictCode } from '../../shared/types.js';
import type { ChanceLevel } from './chance-level.js';
import type { CurveBootstrap, LabelsToReach, StrategyIntervals } from './curve-bootstrap.js';

export const VERDICT_CODES: readonly VerdictCode[] = ['saves', 'worse', 'no-difference', 'not-learned', 'too-few-test'];
export type { VerdictCode };

export interface StrategyCall {
  readonly strategy: string;
  readonly code: VerdictCode;
  /** Some point of its curve is below chance beyond its interval. */
  readonly learned: boolean;
  readonly isReference: boolean;
  /** Sizes where the paired difference to the reference is below / above zero over its whole interval. */
  readonly betterAt: readonly number[];
  readonly worseAt: readonly number[];
  readonly labels: LabelsToReach | null;
}

export interface StrategyVerdict {
  readonly reference: string;
  readonly chanceDeg: number;
  readonly testSize: number;
  /** No curve has learned (or too few test images to say). */
  readonly notLearned: boolean;
  /** The strategy that saves the most labels (point estimate) among those coded `saves`. */
  readonly best: string | null;
  readonly strategies: readonly StrategyCall[];
  /** One plain sentence for the user (what `compare` prints). */
  readonly sentence: string;
}

export interface VerdictOptions {
  /** Fewest test images for any verdict (default 50). */
  readonly minTest?: number;
  /** Reference strategy (default 'random'). */
  readonly reference?: string;
}

/** A curve has learned when one of its points lies below chance by more than its interval. */
export function curveLearned(s: StrategyIntervals, chanceDeg: number): boolean {
  return s.points.some((p) => p.ciHigh < chanceDeg);
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;
const deg = (x: number): string => `${x.toFixed(1)} deg`;
const list = (v: readonly number[]): string => (v.length === 1 ? String(v[0]) : `${v.slice(0, -1).join(', ')} and ${v[v.length - 1]}`);

export function strategyVerdict(boot: CurveBootstrap, chance: ChanceLevel | number, opts: VerdictOptions = {}): StrategyVerdict {
  const minTest = opts.minTest ?? 50;
  const reference = opts.reference ?? 'random';
  const chanceDeg = typeof chance === 'number' ? chance : chance.chanceDeg;
  const T = boot.testSize;
  const base = { reference, chanceDeg, testSize: T };
  const learned = new Map(boot.strategies.map((s) => [s.strategy, curveLearned(s, chanceDeg)]));
  const call = (s: StrategyIntervals, code: VerdictCode, extra: Partial<StrategyCall> = {}): StrategyCall => ({
    strategy: s.strategy,
    code,
    learned: learned.get(s.strategy)!,
    isReference: s.strategy === reference,
    betterAt: [],
    worseAt: [],
    labels: null,
    ...extra,
  });

  if (T < minTest) {
    return {
      ...base,
      notLearned: false,
      best: null,
      strategies: boot.strategies.map((s) => call(s, 'too-few-test')),
      sentence: `No verdict: the test split has only ${T} images with a ground-truth angle (at least ${minTest} are needed to tell strategies apart).`,
    };
  }
  if (![...learned.values()].some(Boolean)) {
    return {
      ...base,
      notLearned: true,
      best: null,
      strategies: boot.strategies.map((s) => call(s, 'not-learned')),
      sentence:
        `The orientation model has not learned on this data yet: every point of every curve is within its 95 % interval of chance (${deg(chanceDeg)}, ` +
        `the error of a guess that knows nothing), so no strategy verdict is given; label more images, or check that the angles are right.`,
    };
  }
  const ref = boot.strategies.find((s) => s.strategy === reference);
  if (!ref) {
    return {
      ...base,
      notLearned: false,
      best: null,
      strategies: boot.strategies.map((s) => call(s, learned.get(s.strategy) ? 'no-difference' : 'not-learned')),
      sentence: `No verdict: add ${reference} to the strategies (e.g. --strategies fps,random,guarded-fps) so there is a baseline to save labels against.`,
    };
  }

  const calls: StrategyCall[] = boot.strategies.map((s) => {
    if (s.strategy === reference) return call(s, learned.get(s.strategy) ? 'no-difference' : 'not-learned');
    if (!learned.get(s.strategy)) return call(s, 'not-learned');
    const diffs = boot.differences.get(s.strategy) ?? [];
    const betterAt = diffs.filter((d) => d.ciHigh < 0).map((d) => d.size);
    const worseAt = diffs.filter((d) => d.ciLow > 0).map((d) => d.size);
    const labels = boot.labelsToReach.find((l) => l.strategy === s.strategy && l.reference === reference) ?? null;
    let code: VerdictCode = 'no-difference';
    // Saves: fewer labels than the reference itself needs, over the whole paired interval; worse: more.
    if (labels && labels.size !== null && labels.savedLow !== null && labels.savedLow > 0) code = 'saves';
    else if (
      (labels && (labels.ciLow === null || (labels.savedHigh !== null && labels.savedHigh < 0) || labels.savedHigh === null)) ||
      (worseAt.length > 0 && betterAt.length === 0)
    )
      code = 'worse';
    return call(s, code, { betterAt, worseAt, labels });
  });

  let best: StrategyCall | null = null;
  for (const c of calls) if (c.code === 'saves' && (best === null || c.labels!.savedShare! > best.labels!.savedShare!)) best = c;
  const others = calls.filter((c) => !c.isReference && c !== best).map(describe);
  const refNote = learned.get(reference) ? '' : ` (${reference}'s own curve stays within its interval of chance, ${deg(chanceDeg)})`;
  let sentence: string;
  if (best) {
    const l = best.labels!;
    const s = boot.strategies.find((x) => x.strategy === best!.strategy)!;
    const spread =
      s.identicalCurves && s.seeds.length > 1
        ? `one order for every seed, so the interval comes from the test images and ${reference}'s seeds`
        : `${s.seeds.length} seed${s.seeds.length === 1 ? '' : 's'} and the test images`;
    sentence =
      `${best.strategy} saves labels on this data: it reaches ${reference} order's error at ${l.referenceSize} labels (${deg(l.targetMaeDeg)})${refNote}` +
      (l.referenceNeeded < l.referenceSize ? `, which ${reference} order itself reaches with ${l.referenceNeeded} labels,` : '') +
      ' with ' +
      // Reached at the smallest size tried: the figure is an upper bound, the saving a lower one.
      (l.size! <= s.points[0]!.size ? `at most ${l.size} labels (the smallest size tried), at least ` : `${l.size} labels, `) +
      `${pct(l.savedShare!)} fewer (95 % interval ${pct(l.savedLow!)} to ${pct(l.savedHigh!)} fewer; ${spread})` +
      (best.worseAt.length > 0 ? `, though it is worse than ${reference} at ${list(best.worseAt)} labels` : '') +
      '.' +
      (others.length > 0 ? ` ${others.join('; ')}.` : '');
  } else {
    sentence = `No strategy is shown to save labels against ${reference} order at 95 %${refNote}: ${others.join('; ')}.`;
  }
  return { ...base, notLearned: false, best: best?.strategy ?? null, strategies: calls, sentence };

  function describe(c: StrategyCall): string {
    const where = (sizes: readonly number[], word: string): string => (sizes.length > 0 ? `${word} at ${list(sizes)} labels` : '');
    switch (c.code) {
      case 'not-learned':
        return `${c.strategy}: the orientation model has not learned from its labels yet (every point within its interval of chance)`;
      case 'saves':
        return `${c.strategy} also saves labels (${pct(c.labels!.savedShare!)} fewer)`;
      case 'worse': {
        const l = c.labels;
        const detail = [
          where(c.worseAt, 'worse'),
          l && l.size === null
            ? `does not reach ${reference}'s error within the sizes tried`
            : l && l.savedShare !== null && l.savedShare < 0
              ? `needs ${pct(-l.savedShare)} more labels`
              : '',
        ]
          .filter(Boolean)
          .join(', ');
        return `${c.strategy} is worse than ${reference}${detail ? ` (${detail})` : ''}`;
      }
      default: {
        const mixed = [where(c.betterAt, 'better'), where(c.worseAt, 'worse')].filter(Boolean).join(', ');
        return `${c.strategy}: no difference shown${mixed ? ` in labels needed (${mixed})` : ''}`;
      }
    }
  }
}
