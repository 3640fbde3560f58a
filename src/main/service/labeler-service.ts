/**
 * The one service object that implements the API contract (src/shared/api.ts).
 * The Electron main process, the HTTP transport and the CLI all drive it.
 * It owns the open project's store; heavy work (embedding, ordering,
 * evaluation, comparison) runs in worker threads through the job runner,
 * so the caller's event loop stays free. The operations themselves are in
 * project-handlers.ts, compute-handlers.ts and label-handlers.ts, composed
 * here over a ServiceContext.
 */
import os from 'node:os';
import { checkRequestPaths } from '../io/user-path.js';
import { makeDirs } from '../io/guarded-write.js';
import path from 'node:path';
import type { ApiEvents, EventName, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import { AppError } from '../../shared/errors.js';
import type { BackendChoice, ComputeBackend, ImageId, LabelId } from '../../shared/types.js';
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { renderDisplayImage } from '../imaging/model-input.js';
import { JobBoard } from '../jobs/job-board.js';
import type { JobSpec, JobResult } from '../jobs/job-types.js';
import { RecentProjects } from './recent-projects.js';
import { AnglePredictor } from '../predict/angle-predictor.js';
import type { EventListener, ImageBytes, ServiceHost } from './service-host.js';
import { MIN_TEST } from '../policy/label-policy.js';
import type { Handler, Handlers, LabelerServiceOptions, ServiceContext } from './service-context.js';
import { projectHandlers } from './project-handlers.js';
import { computeHandlers } from './compute-handlers.js';
import { labelHandlers } from './label-handlers.js';

export type { LabelerServiceOptions } from './service-context.js';
export { defaultEpochs } from './compute-handlers.js';

/** Learning-curve points are added when the labeled-set size has grown by this factor since the last point. */
const AUTO_EVAL_GROWTH = 1.25;
const AUTO_EVAL_MIN_TRAIN = 10;
/** The app recomputes the queue in the background after this many new labels. */
const REORDER_EVERY = 20;
/** ...or after poolSize / REORDER_POOL_DIVISOR labels when that is more (200 at 100,000 images). */
const REORDER_POOL_DIVISOR = 500;

export class LabelerService implements ServiceHost {
  private store: ProjectStore | null = null;
  /** Exemplar-model guesses for the labeling widget (a worker per open project). */
  private predictor: AnglePredictor | null = null;
  private readonly listeners = new Set<EventListener>();
  private readonly jobs = new JobBoard((event, payload) => this.emit(event, payload as ApiEvents[typeof event]));
  private readonly recent: RecentProjects;
  private lastBackend: ComputeBackend | null = null;
  private autoEvalRunning = false;
  /** Order jobs in flight, whoever started them. */
  private ordersRunning = 0;
  /** Labels there were when the latest order job started: the seeds of the order it saves. */
  private orderSeedLabels = 0;
  private labelsAtLastReorder = 0;
  private lastAutoEvalSize = 0;
  private readonly handlers: Handlers;
  /** Labels this service (one window, or one process) made in the open project, oldest first: what its undo may take back. */
  private sessionLabels: LabelId[] = [];

  private constructor(private readonly options: LabelerServiceOptions) {
    this.recent = new RecentProjects(options.dataDir);
    const ctx = this.makeContext();
    this.handlers = { ...projectHandlers(ctx), ...computeHandlers(ctx), ...labelHandlers(ctx) };
  }

  static async create(options: LabelerServiceOptions): Promise<LabelerService> {
    makeDirs(options.dataDir, 'the app data folder (NL_DATA_DIR)');
    return new LabelerService(options);
  }

  /** The open project's store (engine code and tests may use it directly). */
  get project(): ProjectStore {
    if (!this.store) throw new AppError('no-project-open', 'no project is open; open or create a project first');
    return this.store;
  }

  async invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
    const handler = this.handlers[op] as Handler<K> | undefined;
    if (!handler) throw new AppError('invalid-argument', `unknown operation "${String(op)}"`);
    try {
      checkRequestPaths(request);
      return await handler(request);
    } catch (e) {
      // another process holding the project past the busy timeout: a clear "in use" answer, not a raw SQLITE_BUSY
      throw mapStoreError(e, this.store?.path ?? projectPathOf(request));
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async imageBytes(id: ImageId, maxSide = 1600): Promise<ImageBytes | null> {
    if (!this.store || !Number.isSafeInteger(id) || id <= 0) return null;
    const img = this.store.getImage(id);
    if (!img || img.status !== 'ready') return null;
    try {
      return await renderDisplayImage(img.path, maxSide);
    } catch {
      return null;
    }
  }

  close(): void {
    this.jobs.cancelAll();
    this.predictor?.close();
    this.predictor = null;
    this.store?.close();
    this.store = null;
  }

  // ----------------------------------------------------------------- events

  private emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // a failing listener never breaks the service
      }
    }
  }

  private openStore(store: ProjectStore): void {
    this.predictor?.close();
    this.predictor = null;
    this.store?.close();
    this.store = store;
    this.sessionLabels = [];
    this.lastAutoEvalSize = Math.max(0, ...store.curvePoints('live').map((p) => p.size));
    this.labelsAtLastReorder = store.labelCounts().labeled;
    this.recent.touch(store.path);
  }

  private annotator(given?: string): string {
    return given ?? this.options.annotator ?? process.env.NL_ANNOTATOR ?? safeUserName();
  }

  /** Run a job in a worker on the open project, relaying progress as events. */
  private runJob<S extends JobSpec>(spec: S): Promise<JobResult<S>> {
    if (spec.kind !== 'order') return this.jobs.run(this.project.path, spec);
    // Any order job (the setup's, a user's, the background one) holds off the
    // background reorder, and the labels it reads as it starts are its seeds:
    // the reorder count restarts from them when its order is saved.
    this.ordersRunning++;
    this.orderSeedLabels = this.store?.labelCounts().labeled ?? 0;
    return this.jobs.run(this.project.path, spec).finally(() => {
      this.ordersRunning--;
    });
  }

  private backendChoice(given?: BackendChoice): BackendChoice {
    return given ?? this.options.backend ?? 'auto';
  }

  // --------------------------------------------------------------- handlers

  /** What the operation handlers see of this service. */
  private makeContext(): ServiceContext {
    return {
      options: this.options,
      recent: this.recent,
      project: () => this.project,
      openProject: () => this.store,
      open: (store) => this.openStore(store),
      close: () => this.close(),
      emit: (event, payload) => {
        // A new order is seeded with the labels made so far (e.g. while the setup ran): count from there to the next reorder.
        if (event === 'order:changed') this.labelsAtLastReorder = this.orderSeedLabels;
        this.emit(event, payload);
      },
      runJob: (spec) => this.runJob(spec),
      cancelJob: (jobId) => this.jobs.cancel(jobId),
      backendChoice: (given) => this.backendChoice(given),
      lastBackend: () => this.lastBackend,
      setLastBackend: (backend) => {
        this.lastBackend = backend;
      },
      annotator: (given) => this.annotator(given),
      predictor: () => (this.predictor ??= new AnglePredictor(this.project.path, this.backendChoice())),
      sessionLabels: () => this.sessionLabels,
      afterLabels: (counts) => {
        this.maybeAutoEvaluate(counts);
        this.maybeReorder(counts.labeled);
      },
      handlers: () => this.handlers,
    };
  }

  /**
   * In the app: recompute the queue in the background every REORDER_EVERY
   * labels, so it stays seeded with every label (labels taken out of queue
   * order, skips, and the typicality strategies' re-clustering).
   */
  private maybeReorder(labels: number): void {
    if (!this.options.autoEvaluate || this.ordersRunning > 0 || !this.store || !this.store.embeddingInfo()) return;
    // A full order costs O(n k d): at 100,000 images minutes of a worker's time, so large pools reorder less often.
    const every = Math.max(REORDER_EVERY, Math.ceil(this.store.poolSize() / REORDER_POOL_DIVISOR));
    if (labels - this.labelsAtLastReorder < every) return;
    this.labelsAtLastReorder = labels;
    this.handlers['order:run']({}).catch(() => undefined); // reported through job:done
  }

  /** In the app: retrain in the background when the labeled set has grown enough. */
  private maybeAutoEvaluate(counts: { readonly labeled: number; readonly testLabeled: number }): void {
    if (!this.options.autoEvaluate || this.autoEvalRunning || !this.store) return;
    const train = counts.labeled;
    if (train < AUTO_EVAL_MIN_TRAIN || counts.testLabeled < MIN_TEST) return;
    if (train < Math.max(AUTO_EVAL_MIN_TRAIN, Math.ceil(this.lastAutoEvalSize * AUTO_EVAL_GROWTH))) return;
    if (!this.store.embeddingInfo()) return;
    this.autoEvalRunning = true;
    this.lastAutoEvalSize = train;
    this.handlers['evaluate:run']({})
      .catch(() => undefined) // reported through job:done
      .finally(() => {
        this.autoEvalRunning = false;
      });
  }
}

/** The project file a request names (project:open, project:create), for messages about it. */
function projectPathOf(request: unknown): string | null {
  const p = (request as { path?: unknown } | null)?.path;
  return typeof p === 'string' ? path.resolve(p) : null;
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'annotator';
  } catch {
    return 'annotator';
  }
}
