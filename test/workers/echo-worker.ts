/** Test worker for the worker protocol: each request names what to do. */
import { AppError } from '../../src/shared/errors.js';
import { serveRequests, workerStartData } from '../../src/main/workers/serve-requests.js';

export type EchoRequest =
  | { readonly op: 'count'; readonly to: number }
  | { readonly op: 'delay'; readonly ms: number; readonly value: string }
  | { readonly op: 'fail' }
  | { readonly op: 'spin' }
  | { readonly op: 'exit'; readonly code: number };

const { greeting } = workerStartData<{ greeting: string }>();

serveRequests<EchoRequest, unknown>(async (r, ctx) => {
  switch (r.op) {
    case 'count': {
      let sum = 0;
      for (let i = 1; i <= r.to; i++) {
        sum += i;
        ctx.progress({ done: i, total: r.to, message: `${greeting} ${i}` });
      }
      ctx.log('counted');
      return sum;
    }
    case 'delay':
      await new Promise((res) => setTimeout(res, r.ms));
      return r.value;
    case 'fail':
      throw new AppError('invalid-file', 'the file is not a labels file');
    case 'spin': {
      // synchronous work that only the shared flag can reach
      const t0 = Date.now();
      while (!ctx.cancelled?.()) if (Date.now() - t0 > 20_000) return 'never cancelled';
      throw new AppError('cancelled', 'spin was cancelled');
    }
    case 'exit':
      process.exit(r.code);
  }
});
