/**
 * One entry point for every queue strategy, used by the order job,
 * compare and the app. See README.md in this folder for the rules of each.
 */
import { AppError, isAppError } from '../../shared/errors.js';
import { SELECTION_STRATEGIES, type SelectionInput, type SelectionResult, type SelectionStrategy } from './types.js';
import { furthestPointSampling } from './furthest-point-sampling.js';
import { furthestPointSamplingParallel } from './furthest-point-sampling-parallel.js';
import { randomOrder } from './random-order.js';
import { typiclust, type TypiclustOptions } from './typiclust.js';
import { probcover, type ProbCoverOptions } from './probcover.js';
import { guardedFps, type GuardedFpsOptions } from './guarded-fps.js';
import { fpsMedoid, type FpsMedoidOptions } from './fps-medoid.js';
import { WorkerClient } from '../workers/worker-client.js';

/**
 * ProbCover's purity threshold in the product (the paper's 0.95 stays probcover()'s own default).
 * Measured in the polar Fourier latent space (README, "Which strategy saves labels"): 0.9 gives
 * larger balls, so the near-copies of one object fall into one ball more often; on the redundant
 * pool the first 200 labels then cover 172 of 200 objects (0.95: 164) and need 61 % fewer labels
 * than random order for its 400-label error (0.95: 58 %); on the balanced pool no difference shown
 * either way. It was chosen on those two pools.
 */
export const PROBCOVER_ALPHA = 0.9;

/** Per-strategy tuning (all optional; defaults documented in each strategy's file). */
export interface StrategyOptions {
  readonly typiclust?: TypiclustOptions;
  readonly probcover?: ProbCoverOptions;
  readonly guardedFps?: GuardedFpsOptions;
  readonly fpsMedoid?: FpsMedoidOptions;
}

export { interleaveOrders, type InterleaveArm } from './interleave.js';
export type { SelectionInput, SelectionResult, SelectionStrategy } from './types.js';

/** One ordering asked of selectOrderAsync's worker (select-order-worker.ts). */
export type SelectOrderRequest = SelectionInput & { readonly strategy: SelectionStrategy; readonly options: StrategyOptions };

function checkStrategy(strategy: string): asserts strategy is SelectionStrategy {
  if (!SELECTION_STRATEGIES.includes(strategy as SelectionStrategy)) {
    throw new AppError('invalid-argument', `unknown strategy "${strategy}"; use one of ${SELECTION_STRATEGIES.join(', ')}`);
  }
}

/**
 * Orders the unlabeled rows by `strategy`, synchronously in this thread.
 * @param input data (row-major n x d Float32Array), n, d, labeled rows, seed (default 0), k (default all unlabeled)
 * @param options per-strategy tuning, e.g. { probcover: { clusters: 10 } }
 * @returns order: row indices (labeled excluded), coverageRadius: distance of each entry to the
 *   nearest earlier entry or labeled row (Infinity when nothing precedes it), null for 'random'
 * @throws AppError('invalid-argument') for an unknown strategy or malformed input
 */
export function selectOrder(strategy: SelectionStrategy, input: SelectionInput, options: StrategyOptions = {}): SelectionResult {
  checkStrategy(strategy);
  const opts = { labeled: input.labeled, seed: input.seed, k: input.k };
  switch (strategy) {
    case 'fps':
      return furthestPointSampling(input.data, input.n, input.d, opts);
    case 'random':
      return { order: randomOrder(input.n, opts), coverageRadius: null };
    case 'typiclust': {
      const r = typiclust({ ...options.typiclust, ...input });
      return { order: r.order, coverageRadius: r.coverageRadius };
    }
    case 'probcover': {
      const r = probcover({ alpha: PROBCOVER_ALPHA, ...options.probcover, ...input });
      return { order: r.order, coverageRadius: r.coverageRadius };
    }
    case 'guarded-fps': {
      const r = guardedFps({ ...options.guardedFps, ...input });
      return { order: r.order, coverageRadius: r.coverageRadius };
    }
    case 'fps-medoid':
      return fpsMedoid({ ...options.fpsMedoid, ...input });
  }
}

/**
 * Same result as selectOrder, off the calling thread: 'fps' runs on worker
 * threads over SharedArrayBuffers (furthestPointSamplingParallel, `threads`
 * default all cores); the other strategies run selectOrder in one worker thread.
 * Aborting `signal` terminates the workers and rejects with AppError('cancelled').
 */
export async function selectOrderAsync(
  strategy: SelectionStrategy,
  input: SelectionInput,
  opts: { threads?: number; signal?: AbortSignal; options?: StrategyOptions } = {},
): Promise<SelectionResult> {
  checkStrategy(strategy);
  if (strategy === 'fps') {
    return furthestPointSamplingParallel(input.data, input.n, input.d, {
      labeled: input.labeled,
      seed: input.seed,
      k: input.k,
      threads: opts.threads,
      signal: opts.signal,
    });
  }
  if (opts.signal?.aborted) throw new AppError('cancelled', 'ordering was cancelled');
  const worker = new WorkerClient<SelectOrderRequest, SelectionResult>(import.meta.url, './select-order-worker', {
    data: null,
    lost: (loss) =>
      loss.kind === 'error'
        ? new AppError('internal', `ordering worker failed: ${loss.error.message}`, { cause: loss.error })
        : new AppError('internal', `ordering worker exited with code ${loss.code}`),
  });
  const onAbort = (): void => void worker.terminate(new AppError('cancelled', 'ordering was cancelled'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // labeled as a plain array: a typed-array view would copy its whole buffer to the worker
    const labeled = input.labeled ? Array.from(input.labeled) : undefined;
    const r = await worker.request({ strategy, data: input.data, n: input.n, d: input.d, labeled, seed: input.seed, k: input.k, options: opts.options ?? {} });
    return { order: r.order, coverageRadius: r.coverageRadius };
  } catch (e) {
    // the worker's own refusals keep their code only when it is a bad input
    throw isAppError(e) && e.code !== 'invalid-argument' && e.code !== 'cancelled' && e.code !== 'internal' ? new AppError('internal', e.message) : e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
