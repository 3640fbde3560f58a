/** Worker thread of selectOrderAsync: runs selectOrder on a copy of the embeddings. */
import { serveRequests } from '../workers/serve-requests.js';
import { selectOrder, type SelectOrderRequest } from './select-order.js';
import type { SelectionResult } from './types.js';

serveRequests<SelectOrderRequest, SelectionResult>((r) =>
  selectOrder(r.strategy, { data: r.data, n: r.n, d: r.d, labeled: r.labeled, seed: r.seed, k: r.k }, r.options),
);
