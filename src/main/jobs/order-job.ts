/**
 * Order stage (docs/architecture.md, pipeline stage 3): compute the queue over the active
 * embeddings of the pool (test split excluded), seeded with every labeled
 * image so the queue adapts to labels.
 */
import { AppError } from '../../shared/errors.js';
import type { ImageId, StrategyName } from '../../shared/types.js';
import type { ProjectStore, OrderEntryInput } from '../store/project-store.js';
import { selectOrder, interleaveOrders } from '../selection/select-order.js';
import { coverageRadii } from '../selection/coverage-radius.js';
import type { JobContext, JobSpec, OrderResult } from './job-types.js';
import { poolEmbeddings } from '../eval/pool-embeddings.js';

/**
 * The novelty strategy an interleaved queue alternates with random: the default strategy
 * (probcover, chosen from the evidence in README "Which strategy saves labels").
 */
export const INTERLEAVED_NOVELTY: Exclude<StrategyName, 'interleaved' | 'random'> = 'probcover';

/** How many head entries of an interleaved queue get their exact coverage radius. */
export const INTERLEAVED_RADIUS_HEAD = 2000;

export function runOrderJob(store: ProjectStore, spec: Extract<JobSpec, { kind: 'order' }>, ctx: JobContext): OrderResult {
  const emb = store.getEmbeddings();
  if (!emb) throw new AppError('no-embedding', 'the project has no embeddings yet; run "embed" first');
  const labeledIds = new Set(store.currentLabels().map((l) => l.imageId));
  const pool = poolEmbeddings(store, emb, { excludeTest: true });
  const labeled: number[] = [];
  pool.ids.forEach((id, i) => {
    if (labeledIds.has(id)) labeled.push(i);
  });
  ctx.progress({ done: 0, total: pool.ids.length, message: `ordering ${pool.ids.length - labeled.length} images by ${spec.strategy}` });
  let entries: OrderEntryInput[];
  let kernel: OrderResult['kernel'];
  const input = { data: pool.data, n: pool.ids.length, d: emb.dim, labeled, seed: spec.seed };
  if (spec.strategy === 'interleaved') {
    const novelty = selectOrder(INTERLEAVED_NOVELTY, input);
    const random = selectOrder('random', input);
    const mixed = interleaveOrders(novelty.order, random.order);
    // Each entry's own coverage radius in the mixed queue: distance to the nearest label or earlier entry of either arm.
    // Exact for the head of the queue (O(n d) per entry); the app recomputes the order as labels arrive.
    const head = mixed.order.subarray(0, Math.min(mixed.order.length, INTERLEAVED_RADIUS_HEAD));
    const radii = coverageRadii(pool.data, pool.ids.length, emb.dim, labeled, head);
    entries = Array.from(mixed.order, (row, j) => ({
      imageId: pool.ids[row]! as ImageId,
      coverageRadius: j < radii.length ? finiteOrNull(radii[j]) : null,
      arm: mixed.arm[j]!,
    }));
  } else {
    const r = selectOrder(spec.strategy, input);
    if ('kernel' in r && (r.kernel === 'wasm-simd' || r.kernel === 'js')) kernel = r.kernel;
    entries = Array.from(r.order, (row, j) => ({
      imageId: pool.ids[row]! as ImageId,
      coverageRadius: r.coverageRadius ? finiteOrNull(r.coverageRadius[j]) : null,
      arm: spec.strategy === 'random' ? 'random' : 'novelty',
    }));
  }
  store.saveOrder({
    strategy: spec.strategy,
    seed: spec.seed,
    embeddingSetId: emb.setId,
    entries,
    // inside the switch's transaction: a cancelled order never becomes active, and the setting changes with the queue
    beforeSwitch: () => {
      if (ctx.cancelled?.() ?? ctx.signal.aborted) throw new AppError('cancelled', 'order was cancelled; the project keeps its previous queue and strategy');
      if (spec.saveStrategy && store.settings.strategy !== spec.strategy) store.updateSettings({ strategy: spec.strategy });
    },
  });
  ctx.progress({
    done: pool.ids.length,
    total: pool.ids.length,
    message: `queue of ${entries.length} images${kernel ? ` (furthest point sampling kernel: ${kernel === 'wasm-simd' ? 'WebAssembly SIMD' : 'JS'})` : ''}`,
  });
  return { strategy: spec.strategy, length: entries.length, ...(kernel ? { kernel } : {}) };
}

function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}
