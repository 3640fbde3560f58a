/**
 * Heavy jobs that run in a worker thread (never on the main event loop):
 * their specs, results and the messages a worker sends back.
 */
import type { SerializedError } from '../../shared/errors.js';
import type { BackendChoice, CompareResult, ComputeBackend, CurvePoint, EmbedderKind, OrientationModelKind, StrategyName } from '../../shared/types.js';

export type JobSpec =
  /** embedder: which one to make (default: the project's setting); it becomes the setting in the commit that stores its embeddings. */
  | { readonly kind: 'embed'; readonly epochs: number; readonly backend: BackendChoice; readonly seed: number; readonly fromFile?: string; readonly embedder?: EmbedderKind }
  | {
      readonly kind: 'order';
      readonly strategy: StrategyName;
      readonly seed: number;
      readonly backend?: BackendChoice;
      /** Make `strategy` the project's strategy setting in the same commit that makes the new queue active. */
      readonly saveStrategy?: boolean;
    }
  | { readonly kind: 'evaluate'; readonly backend: BackendChoice; readonly epochs?: number }
  | {
      readonly kind: 'compare';
      readonly backend: BackendChoice;
      readonly truthFile?: string;
      readonly sizes: readonly number[];
      readonly seeds: number;
      readonly strategies: readonly string[];
      readonly outDir?: string;
      /** Replace existing curve.csv / curve.svg in outDir. */
      readonly overwrite?: boolean;
      readonly orientationModel?: OrientationModelKind;
    };

export interface EmbedResult {
  readonly modelId: number | null;
  readonly backend: ComputeBackend | null;
  readonly loss: number | null;
  readonly count: number;
  /** Polar Fourier embedder: share of the descriptors' variance its principal axes keep. */
  readonly explained?: number;
}
export interface OrderResult {
  readonly strategy: string;
  readonly length: number;
  /** The furthest point sampling kernel that ran ('fps' strategy): WebAssembly SIMD or the JS fallback. */
  readonly kernel?: 'wasm-simd' | 'js';
}

export type JobResult<S extends JobSpec> = S extends { kind: 'embed' }
  ? EmbedResult
  : S extends { kind: 'order' }
    ? OrderResult
    : S extends { kind: 'evaluate' }
      ? readonly CurvePoint[]
      : CompareResult;

export interface JobProgressReport {
  readonly done: number;
  readonly total: number;
  readonly message: string;
  readonly loss?: number;
  /** What done and total count when not the stage's usual unit (see JobProgress.unit). */
  readonly unit?: string;
}

/** What a job function gets: progress reporting and cooperative cancellation. */
export interface JobContext {
  progress(p: JobProgressReport): void;
  readonly signal: AbortSignal;
  /**
   * Whether cancelling was asked for, read at once (the signal is set by a
   * timer, which cannot fire while a synchronous job runs): checked inside
   * the final commit, so a cancelled job never commits.
   */
  readonly cancelled?: () => boolean;
  /** Write a line of log (shown by the CLI in verbose mode). */
  log(message: string): void;
}

export type WorkerMessage =
  | ({ readonly type: 'progress' } & JobProgressReport)
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'error'; readonly error: SerializedError };

export interface WorkerInput {
  readonly projectPath: string;
  readonly spec: JobSpec;
  /** Int32Array(1) over this buffer: 1 = cancel requested. */
  readonly cancelFlag: SharedArrayBuffer;
}
