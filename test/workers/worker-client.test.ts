/**
 * The one worker mechanism (src/main/workers): a worker started from the
 * TypeScript sources, requests answered by id with progress, log, result or
 * error; cooperative cancel through the shared flag; a worker that stops is
 * reported through `lost`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { WorkerClient, type WorkerLoss } from '../../src/main/workers/worker-client.js';
import type { WorkerProgress } from '../../src/main/workers/protocol.js';
import type { EchoRequest } from './echo-worker.js';

const clients: WorkerClient<EchoRequest, unknown>[] = [];
const losses: WorkerLoss[] = [];

function client(): WorkerClient<EchoRequest, unknown> {
  const c = new WorkerClient<EchoRequest, unknown>(import.meta.url, './echo-worker', {
    data: { greeting: 'step' },
    lost: (loss) => {
      losses.push(loss);
      return new AppError('internal', loss.kind === 'exit' ? `stopped with exit code ${loss.code}` : loss.error.message);
    },
  });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.terminate()));
  losses.length = 0;
});

describe('WorkerClient and serveRequests', () => {
  it('relays every progress report in order, the log, then the result (1 + ... + 5 = 15)', async () => {
    const progress: WorkerProgress[] = [];
    const logs: string[] = [];
    const sum = await client().request({ op: 'count', to: 5 }, { onProgress: (p) => progress.push(p), onLog: (m) => logs.push(m) });
    expect(sum).toBe(15);
    expect(progress).toEqual([1, 2, 3, 4, 5].map((i) => ({ done: i, total: 5, message: `step ${i}` })));
    expect(logs).toEqual(['counted']);
  });

  it('answers overlapping requests by id, whatever order they finish in', async () => {
    const c = client();
    const order: string[] = [];
    const slow = c.request({ op: 'delay', ms: 150, value: 'slow' }).then((v) => order.push(String(v)));
    const fast = c.request({ op: 'delay', ms: 10, value: 'fast' }).then((v) => order.push(String(v)));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it("rejects with the worker's error code and message, and keeps serving", async () => {
    const c = client();
    await expect(c.request({ op: 'fail' })).rejects.toMatchObject({ code: 'invalid-file', message: 'the file is not a labels file' });
    expect(await c.request({ op: 'count', to: 3 })).toBe(6);
  });

  it('cancel reaches synchronous work through the shared flag', async () => {
    const c = client();
    const spinning = c.request({ op: 'spin' });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    c.cancel();
    await expect(spinning).rejects.toMatchObject({ code: 'cancelled', message: 'spin was cancelled' });
    expect(Date.now() - t0).toBeLessThan(2000); // well inside the grace period: the worker stopped by itself
    expect(losses).toEqual([]);
  });

  it('a worker that stops before answering rejects its requests through lost, and refuses new ones', async () => {
    const c = client();
    await expect(c.request({ op: 'exit', code: 3 })).rejects.toThrow('stopped with exit code 3');
    expect(losses).toEqual([{ kind: 'exit', code: 3, cancelled: false }]);
    expect(c.closed).toBe(true);
    await expect(c.request({ op: 'count', to: 1 })).rejects.toMatchObject({ code: 'internal' });
  });
});
