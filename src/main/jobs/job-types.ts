/**
 * Heavy jobs that run in a worker thread (never on the main event loop):
 * their specs and results. Messages follow the one worker protocol
 * (../workers/protocol.ts).
 */
import type { BackendChoice, CompareResult, ComputeBackend, CurvePoint, EmbedderKind, ImportReport, StrategyName } from '../../shared/types.js';
import type { WorkerContext, WorkerProgress } from '../workers/protocol.js';
import type { CompareSpec, EvaluateSpec } from '../eval/eval-specs.js';

export type JobSpec =
  | { readonly kind: 'import'; readonly folder: string; readonly test?: boolean }
  /** embedder: which one to make (default: the project's setting); it becomes the setting in the commit that stores its embeddings. */
  | {
      readonly kind: 'embed';
      readonly epochs: number;
      readonly backend: BackendChoice;
      readonly seed: number;
      readonly fromFile?: string;
      readonly embedder?: EmbedderKind;
    }
  | {
      readonly kind: 'order';
      readonly strategy: StrategyName;
      readonly seed: number;
      readonly backend?: BackendChoice;
      /** Make `strategy` the project's strategy setting in the same commit that makes the new queue active. */
      readonly saveStrategy?: boolean;
    }
  | EvaluateSpec
  | CompareSpec;

/** What a cancelled embed says, whichever embedder ran. */
export const EMBED_CANCELLED = 'embedding was cancelled; the previous embeddings stay in use';

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

export type JobResult<S extends JobSpec> = S extends { kind: 'import' }
  ? ImportReport
  : S extends { kind: 'embed' }
    ? EmbedResult
    : S extends { kind: 'order' }
      ? OrderResult
      : S extends { kind: 'evaluate' }
        ? readonly CurvePoint[]
        : CompareResult;

export type JobProgressReport = WorkerProgress;

/** What a job function gets: progress reporting and cooperative cancellation. */
export type JobContext = WorkerContext;

/** The compute worker's start-up data: the project it opens with its own connection. */
export interface ComputeWorkerData {
  readonly projectPath: string;
}
