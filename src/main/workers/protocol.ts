/**
 * The one message protocol between a thread and its workers. The parent sends
 * requests (and cancels); the worker answers each request by id with progress
 * reports and log lines, then exactly one result or error.
 *
 * Cancelling is cooperative: the cancel message reaches a worker that is
 * awaiting, and the shared cancel flag (set at the same time) reaches one that
 * is computing synchronously, which cannot read messages until it yields.
 */
import type { SerializedError } from '../../shared/errors.js';

/** How far a request has come. */
export interface WorkerProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
  /** Training loss, for jobs that train. */
  readonly loss?: number;
  /** What done and total count when not the stage's usual unit (e.g. 'images' for an embedder that does not train). */
  readonly unit?: string;
}

/** Parent -> worker. */
export type ToWorker<Q> = { readonly type: 'request'; readonly id: number; readonly payload: Q } | { readonly type: 'cancel'; readonly id: number };

/** Worker -> parent, for the request `id`. */
export type FromWorker<R> =
  | ({ readonly type: 'progress'; readonly id: number } & WorkerProgress)
  | { readonly type: 'log'; readonly id: number; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly value: R }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

/** What every worker gets as workerData beside its own start-up data. */
export interface WorkerBoot<D> {
  readonly data: D;
  /** Int32Array(1) over this buffer: 1 = cancel requested. */
  readonly cancelFlag: SharedArrayBuffer;
}

/** What the code answering a request gets: progress reporting and cooperative cancellation. */
export interface WorkerContext {
  progress(p: WorkerProgress): void;
  /** Write a line of log (shown by the CLI in verbose mode). */
  log(message: string): void;
  readonly signal: AbortSignal;
  /**
   * Whether cancelling was asked for, read at once (the signal is set by a
   * timer, which cannot fire while synchronous code runs): checked inside a
   * final commit, so a cancelled job never commits.
   */
  readonly cancelled?: () => boolean;
}
