/**
 * Worker side of the protocol (protocol.ts): answer every request the parent
 * sends with `handle`, relaying progress and log lines, then one result or
 * error. Requests run as they arrive (an async handler may overlap them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors.js';
import type { FromWorker, ToWorker, WorkerBoot, WorkerContext } from './protocol.js';

/** How often the shared cancel flag is read while a request runs, ms. */
const CANCEL_POLL_MS = 25;

/** The worker's own start-up data (WorkerClient's `data`). */
export function workerStartData<D>(): D {
  return (workerData as WorkerBoot<D>).data;
}

export function serveRequests<Q, R>(
  handle: (payload: Q, ctx: WorkerContext) => Promise<R> | R,
  opts: {
    /** Turn a thrown error into the one the parent sees (e.g. a store error naming the project). */
    readonly mapError?: (e: unknown) => unknown;
    /** When the parent closes the channel. */
    readonly onClose?: () => void;
  } = {},
): void {
  const port = parentPort!;
  const flag = new Int32Array((workerData as WorkerBoot<unknown>).cancelFlag);
  const running = new Map<number, AbortController>();
  const post = (m: FromWorker<R>): void => port.postMessage(m);
  let poll: ReturnType<typeof setInterval> | null = null;

  const run = async (id: number, payload: Q): Promise<void> => {
    const controller = new AbortController();
    running.set(id, controller);
    poll ??= setInterval(() => {
      if (Atomics.load(flag, 0) === 1) for (const c of running.values()) c.abort();
    }, CANCEL_POLL_MS);
    try {
      const value = await handle(payload, {
        progress: (p) => post({ type: 'progress', id, ...p }),
        log: (message) => post({ type: 'log', id, message }),
        signal: controller.signal,
        cancelled: () => Atomics.load(flag, 0) === 1 || controller.signal.aborted,
      });
      post({ type: 'result', id, value });
    } catch (e) {
      post({ type: 'error', id, error: serializeError(opts.mapError ? opts.mapError(e) : e) });
    } finally {
      running.delete(id);
      if (running.size === 0 && poll) {
        clearInterval(poll);
        poll = null;
      }
    }
  };

  port.on('message', (m: ToWorker<Q>) => {
    if (m.type === 'request') void run(m.id, m.payload);
    else if (m.type === 'cancel') running.get(m.id)?.abort();
  });
  if (opts.onClose) port.on('close', opts.onClose);
}
