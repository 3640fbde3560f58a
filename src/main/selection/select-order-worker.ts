/** Worker thread of selectOrderAsync: runs selectOrder on a copy of the embeddings. */
import { parentPort, workerData } from 'node:worker_threads';
import { selectOrder, type StrategyOptions } from './select-order.js';
import type { SelectionInput, SelectionStrategy } from './types.js';
import { isAppError } from '../../shared/errors.js';

const wd = workerData as SelectionInput & { strategy: SelectionStrategy; options: StrategyOptions };
try {
  const r = selectOrder(wd.strategy, { data: wd.data, n: wd.n, d: wd.d, labeled: wd.labeled, seed: wd.seed, k: wd.k }, wd.options);
  parentPort!.postMessage({ ok: true, order: r.order, coverageRadius: r.coverageRadius });
} catch (e) {
  parentPort!.postMessage({ ok: false, code: isAppError(e) ? e.code : 'internal', message: e instanceof Error ? e.message : String(e) });
}
