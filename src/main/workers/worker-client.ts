/**
 * Parent side of the protocol (protocol.ts): one worker thread (started by
 * start-worker.ts), requests by id, each a promise with progress and log
 * callbacks. A worker that fails or stops settles every open request with the
 * error `lost` makes; cancel() asks the worker to stop and terminates it after
 * a grace period (safe: every write a worker makes is transactional).
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import type { FromWorker, ToWorker, WorkerBoot, WorkerProgress } from './protocol.js';
import { startWorker } from './start-worker.js';

/** How long a cancelled worker may take to stop by itself before it is terminated, ms. */
export const CANCEL_GRACE_MS = 3000;

/** Why a worker went away before answering. */
export type WorkerLoss =
  { readonly kind: 'error'; readonly error: Error & { code?: string } } | { readonly kind: 'exit'; readonly code: number; readonly cancelled: boolean };

export interface RequestHandlers {
  onProgress?(p: WorkerProgress): void;
  onLog?(message: string): void;
}

export interface WorkerClientOptions<D> {
  /** The worker's start-up data (serveRequests' workerStartData()). */
  readonly data: D;
  readonly resourceLimits?: WorkerOptions['resourceLimits'];
  /** The error open requests get when the worker fails or stops before answering. */
  readonly lost: (loss: WorkerLoss) => Error;
  /** Let the process exit while no request is open (a long-lived worker). */
  readonly unrefWhenIdle?: boolean;
}

interface Pending<R> {
  resolve(value: R): void;
  reject(e: unknown): void;
  handlers: RequestHandlers;
}

export class WorkerClient<Q, R> {
  private readonly worker: Worker;
  private readonly cancelFlag = new SharedArrayBuffer(4);
  private readonly pending = new Map<number, Pending<R>>();
  private nextId = 1;
  private cancelled = false;
  private gone = false;

  /**
   * @param fromUrl the caller's import.meta.url
   * @param module the worker module relative to the caller, without extension
   */
  constructor(
    fromUrl: string,
    module: string,
    private readonly options: WorkerClientOptions<unknown>,
  ) {
    const workerData: WorkerBoot<unknown> = { data: options.data, cancelFlag: this.cancelFlag };
    this.worker = startWorker(fromUrl, module, { workerData, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) });
    if (options.unrefWhenIdle) this.worker.unref();
    this.worker.on('message', (m: FromWorker<R>) => this.onMessage(m));
    this.worker.on('error', (error: Error) => this.lose({ kind: 'error', error }));
    this.worker.on('exit', (code) => this.lose({ kind: 'exit', code, cancelled: this.cancelled }));
  }

  /** True once the worker failed, stopped or was terminated. */
  get closed(): boolean {
    return this.gone;
  }

  request(payload: Q, handlers: RequestHandlers = {}): Promise<R> {
    if (this.gone) return Promise.reject(this.options.lost({ kind: 'exit', code: 0, cancelled: this.cancelled }));
    const id = this.nextId++;
    if (this.options.unrefWhenIdle) this.worker.ref(); // keep the process alive while an answer is due
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, handlers });
      this.worker.postMessage({ type: 'request', id, payload } satisfies ToWorker<Q>);
    });
  }

  /** Ask every open request to stop; terminate the worker if it has not answered within CANCEL_GRACE_MS. */
  cancel(): void {
    if (this.gone || this.pending.size === 0) return;
    this.cancelled = true;
    Atomics.store(new Int32Array(this.cancelFlag), 0, 1);
    for (const id of this.pending.keys()) this.worker.postMessage({ type: 'cancel', id } satisfies ToWorker<Q>);
    setTimeout(() => {
      if (this.pending.size > 0) void this.worker.terminate();
    }, CANCEL_GRACE_MS).unref();
  }

  /** End the worker; open requests are rejected with `reason`. */
  terminate(reason: unknown = new AppError('cancelled', 'the worker was stopped')): Promise<number> {
    this.gone = true;
    this.failAll(reason);
    return this.worker.terminate();
  }

  private onMessage(m: FromWorker<R>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'progress': {
        const { type: _t, id: _i, ...report } = m;
        p.handlers.onProgress?.(report);
        return;
      }
      case 'log':
        p.handlers.onLog?.(m.message);
        return;
      case 'result':
        this.settle(m.id);
        p.resolve(m.value);
        return;
      case 'error':
        this.settle(m.id);
        p.reject(new AppError(m.error.code, m.error.message));
        return;
    }
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.options.unrefWhenIdle && this.pending.size === 0) this.worker.unref(); // idle: never hold the process open
  }

  private lose(loss: WorkerLoss): void {
    if (this.gone) return;
    this.gone = true;
    if (this.pending.size > 0) this.failAll(this.options.lost(loss));
  }

  private failAll(e: unknown): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
