/**
 * What the operation handlers of LabelerService (project-handlers.ts,
 * compute-handlers.ts, label-handlers.ts) may use of the service: its open
 * project, its job runner, its events and the little state they share. The
 * service builds one context and composes the handlers from it.
 */
import type { ApiEvents, EventName, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import type { BackendChoice, ComputeBackend, JobId, LabelId } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import type { JobResult, JobSpec } from '../jobs/job-types.js';
import type { AnglePredictor } from '../predict/angle-predictor.js';
import type { RecentProjects } from './recent-projects.js';

export interface LabelerServiceOptions {
  /** Folder for app state (recent projects). */
  readonly dataDir: string;
  /** Folder of the bundled demo images, when present. */
  readonly demoFolder?: string | null;
  /** Retrain and add learning-curve points in the background as labels arrive (the app); off for the CLI. */
  readonly autoEvaluate?: boolean;
  /** Compute backend for training jobs. */
  readonly backend?: BackendChoice;
  /** Name recorded with each label (default: the OS user). */
  readonly annotator?: string;
  /** How long a label's answer waits for the model's guesses before it goes without them (the view then asks queue:predict); default 400 ms. */
  readonly guessBudgetMs?: number;
}

export type Handler<K extends OperationName> = (request: RequestOf<K>) => Promise<ResponseOf<K>>;
export type Handlers = { [K in OperationName]: Handler<K> };

export interface ServiceContext {
  readonly options: LabelerServiceOptions;
  readonly recent: RecentProjects;
  /**
   * The open project's store.
   * @throws AppError('no-project-open') when none is open
   */
  project(): ProjectStore;
  /** The open project's store, or null. */
  openProject(): ProjectStore | null;
  /** Make `store` the open project (the one before is closed). */
  open(store: ProjectStore): void;
  /** Close the open project, its jobs and its predictor. */
  close(): void;
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  /** Run a job in a worker on the open project, relaying progress as events. */
  runJob<S extends JobSpec>(spec: S): Promise<JobResult<S>>;
  cancelJob(jobId: JobId): void;
  backendChoice(given?: BackendChoice): BackendChoice;
  /** The backend the last embedding ran on in this process, if any. */
  lastBackend(): ComputeBackend | null;
  setLastBackend(backend: ComputeBackend): void;
  /** Name recorded with a label. */
  annotator(given?: string): string;
  /** The open project's exemplar-model predictor (made on first use). */
  predictor(): AnglePredictor;
  /** Labels this service (one window, or one process) made in the open project, oldest first: what its undo may take back. */
  sessionLabels(): LabelId[];
  /** Background work a new label count calls for (in the app: re-evaluation, re-ordering). */
  afterLabels(counts: { readonly labeled: number; readonly testLabeled: number }): void;
  /** Every operation, for a handler that runs another. */
  handlers(): Handlers;
}
