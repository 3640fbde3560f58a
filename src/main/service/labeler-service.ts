/**
 * The one service object that implements the API contract (src/shared/api.ts).
 * The Electron main process, the HTTP transport and the CLI all drive it.
 * It owns the open project's store; heavy work (embedding, ordering,
 * evaluation, comparison) runs in worker threads through the job runner,
 * so the caller's event loop stays free.
 */
import os from 'node:os';
import { checkRequestPaths } from '../io/user-path.js';
import { makeDirs } from '../io/guarded-write.js';
import path from 'node:path';
import fs from 'node:fs';
import type { ApiEvents, EventName, NextRequest, NextUp, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import { AppError } from '../../shared/errors.js';
import {
  STRATEGIES,
  type BackendChoice,
  type ComputeBackend,
  type ImageId,
  type LabelId,
  type LabelRecord,
  type LatentPoint,
  type ProjectStatus,
  type StrategyName,
} from '../../shared/types.js';
import { ProjectStore, mapStoreError } from '../store/project-store.js';
import { renderDisplayImage } from '../imaging/model-input.js';
import { exportLabels } from '../export/export-labels.js';
import { JobBoard } from '../jobs/job-board.js';
import type { JobSpec, JobResult } from '../jobs/job-types.js';
import { RecentProjects } from './recent-projects.js';
import { defaultContrastiveEpochs } from '../ml/contrastive-defaults.js';
import { AnglePredictor } from '../predict/angle-predictor.js';
import type { EventListener, ImageBytes, ServiceHost } from './service-host.js';
import { decideLabel, MIN_TEST } from '../policy/label-policy.js';
import { GUESS_BUDGET_MS, nextUp, queueEntries, testEntries } from './label-path.js';
import { addProgramLabels, importLabelsFile, readLabelsFile, resolveImage } from './label-operations.js';

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

type Handler<K extends OperationName> = (request: RequestOf<K>) => Promise<ResponseOf<K>>;
type Handlers = { [K in OperationName]: Handler<K> };

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
  private reorderRunning = false;
  private labelsAtLastReorder = 0;
  private lastAutoEvalSize = 0;
  private readonly handlers: Handlers;
  /** Labels this service (one window, or one process) made in the open project, oldest first: what its undo may take back. */
  private sessionLabels: LabelId[] = [];

  private constructor(private readonly options: LabelerServiceOptions) {
    this.recent = new RecentProjects(options.dataDir);
    this.handlers = this.makeHandlers();
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
    return this.jobs.run(this.project.path, spec);
  }

  private backendChoice(given?: BackendChoice): BackendChoice {
    return given ?? this.options.backend ?? 'auto';
  }

  // --------------------------------------------------------------- handlers

  private makeHandlers(): Handlers {
    return {
      'app:info': async () => ({
        recent: this.recent.list(),
        demoFolder: this.options.demoFolder && fs.existsSync(this.options.demoFolder) ? this.options.demoFolder : null,
        demoProject: this.options.demoFolder && fs.existsSync(this.options.demoFolder) ? path.join(this.options.dataDir, 'demo.nlproj') : null,
        backend: this.lastBackend ?? this.store?.embeddingInfo()?.backend ?? null,
        version: PACKAGE_VERSION,
        openProject: this.store?.path ?? null,
      }),

      'project:create': async ({ path: p, settings, folder }) => {
        const abs = path.resolve(p);
        if (folder !== undefined && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
          throw new AppError('not-found', `the image folder ${path.resolve(folder)} does not exist or is not a folder; no project was created: give the folder that holds the images`);
        }
        makeDirs(path.dirname(abs), 'the project file');
        this.openStore(ProjectStore.create(abs, settings ?? {}));
        return this.project.status();
      },

      'project:open': async ({ path: p }) => {
        this.openStore(ProjectStore.open(path.resolve(p)));
        return this.project.status();
      },

      'project:close': async () => {
        this.close();
        return null;
      },

      'project:status': async () => {
        const st = this.project.status();
        return st.order ? { ...st, order: { ...st.order, stale: this.project.orderIsStale() } } : st;
      },

      'project:set-strategy': async ({ strategy }) => {
        if (!STRATEGIES.includes(strategy)) {
          throw new AppError('invalid-argument', `strategy must be one of ${STRATEGIES.join(', ')}; got "${String(strategy)}"`);
        }
        if (this.project.embeddingInfo()) await this.handlers['order:run']({ strategy });
        else this.project.updateSettings({ strategy });
        return this.project.status();
      },

      'images:import': async ({ folder, test }) => this.runJob({ kind: 'import', folder: path.resolve(folder), ...(test ? { test: true } : {}) }),

      'images:unreadable': async () => this.project.listImages({ status: 'unreadable' }),

      'images:resolve': async (request) => resolveImage(this.project, request),

      'embed:run': async ({ epochs, backend, fromFile, embedder }) => {
        const kind = embedder && !fromFile ? embedder : this.project.settings.embedder;
        const spec: JobSpec = {
          kind: 'embed',
          ...(embedder && !fromFile ? { embedder } : {}),
          epochs: epochs ?? (kind === 'contrastive' ? defaultContrastiveEpochs(this.project.poolSize()) : defaultEpochs(this.project.poolSize())),
          backend: this.backendChoice(backend),
          seed: this.project.settings.seed,
          ...(fromFile ? { fromFile: path.resolve(fromFile) } : {}),
        };
        const r = await this.runJob(spec);
        if (r.backend) this.lastBackend = r.backend;
        return r;
      },

      'order:run': async ({ strategy, seed }) => {
        const store = this.project;
        if (!store.embeddingInfo()) throw new AppError('no-embedding', 'the project has no embeddings yet; run "embed" first');
        const s: StrategyName = strategy ?? store.settings.strategy;
        if (!STRATEGIES.includes(s)) throw new AppError('invalid-argument', `strategy must be one of ${STRATEGIES.join(', ')}; got "${String(s)}"`);
        // the setting changes in the commit that makes the new queue active, never before it
        const r = await this.runJob({ kind: 'order', strategy: s, seed: seed ?? store.settings.seed, saveStrategy: strategy !== undefined && strategy !== store.settings.strategy });
        // the worker's commit may have changed the strategy setting: this connection's copy is stale
        store.reloadSettings();
        this.emit('order:changed', r);
        return r;
      },

      'queue:next': async ({ count, mode }) => {
        const store = this.project;
        const n = Math.max(0, Math.min(1000, Math.floor(count)));
        return mode === 'test' ? testEntries(store, n) : queueEntries(store, n);
      },

      'queue:upcoming': async (req) => this.nextUp(req),

      'queue:predict': async ({ imageIds }) => {
        const store = this.project;
        this.predictor ??= new AnglePredictor(store.path, this.backendChoice());
        return this.predictor.predict(imageIds);
      },

      'label:set': async ({ imageId, angle, durationMs, annotator, arm, next }) => {
        const store = this.project;
        // The policy checks the image and the angle and decides target, value and arm; the store only writes.
        const d = decideLabel(
          { imageId, angle, ...(arm ? { arm } : {}) },
          { given: store.getImage(imageId), targetOf: (img) => store.labelTarget(img), queueArm: (id) => this.armOf(id), axial: store.settings.axial },
        );
        const label = store.insertLabel({
          imageId: d.target.id,
          value: d.value,
          annotator: this.annotator(annotator),
          durationMs: durationMs ?? null,
          arm: d.arm,
          source: 'annotator',
        });
        this.sessionLabels.push(label.id);
        const after = await this.labelsChanged(next);
        return after === undefined ? label : { ...label, next: after };
      },

      'label:undo': async () => {
        // Undo only a label this session made, never another window's or process's
        // (they may share the annotator name); one already undone elsewhere is passed over.
        let undone: LabelRecord | null = null;
        while (undone === null && this.sessionLabels.length > 0) undone = this.project.undoLabel(this.sessionLabels.pop()!);
        this.emit('labels:changed', { labeled: this.project.labelCounts().labeled });
        if (!undone) return null;
        const img = this.project.getImage(undone.imageId);
        return { ...undone, image: img ? { path: img.path, relPath: img.relPath, width: img.width, height: img.height } : null };
      },

      'label:skip': async ({ imageId, next }) => {
        if (!this.project.getImage(imageId)) throw new AppError('not-found', `no image with id ${imageId} in this project`);
        this.project.skipImage(imageId);
        return next ? this.nextUpAfterWrite(next) : null;
      },

      'labels:list': async () => this.project.currentLabels(),

      'labels:import': async (request) => this.labelsStored(importLabelsFile(this.project, request)),

      'labels:read': async (request) => readLabelsFile(this.project, request),

      'labels:add': async (request) => this.labelsStored(addProgramLabels(this.project, request)),

      'evaluate:run': async () => {
        const points = await this.runJob({ kind: 'evaluate', backend: this.backendChoice() });
        this.emit('curve:changed', { points: this.project.curvePoints() });
        return points;
      },

      'compare:run': async ({ truthFile, sizes, seeds, strategies, outDir, overwrite, orientationModel }) => {
        const r = await this.runJob({
          kind: 'compare',
          backend: this.backendChoice(),
          ...(truthFile ? { truthFile: path.resolve(truthFile) } : {}),
          sizes,
          seeds,
          strategies: strategies ?? ['fps', 'random'],
          ...(outDir ? { outDir: path.resolve(outDir), overwrite: overwrite ?? false } : {}),
          ...(orientationModel ? { orientationModel } : {}),
        });
        this.emit('curve:changed', { points: this.project.curvePoints() });
        return r;
      },

      'curve:get': async () => this.project.curvePoints(),

      'latent:map': async () => {
        const store = this.project;
        const labeled = new Set(store.currentLabels().map((l) => l.imageId));
        const next = new Set(store.activeOrder() ? store.queue(10).map((q) => q.imageId) : []);
        const test = new Set(store.listPoolImages().filter((i) => i.inTestSplit).map((i) => i.id));
        return store.getPcaPoints().map(
          (p): LatentPoint => ({
            ...p,
            // Test-split images stay 'test' when labeled: they are held out, never training labels.
            state: next.has(p.imageId) ? 'next' : test.has(p.imageId) ? 'test' : labeled.has(p.imageId) ? 'labeled' : 'unlabeled',
          }),
        );
      },

      'export:run': async ({ format, out, upright, overwrite }) =>
        exportLabels(this.project, { format, out: path.resolve(out), upright: upright ?? false, overwrite: overwrite ?? false }),

      'job:cancel': async ({ jobId }) => {
        this.jobs.cancel(jobId);
        return null;
      },
    };
  }

  /**
   * After a label: tell every UI the counts, start background work the new
   * count calls for, and (asked with `next`) answer what the view shows next.
   * The label counts are read once: from the status when the answer carries
   * one, else on their own.
   */
  private async labelsChanged(next: NextRequest | undefined): Promise<NextUp | null | undefined> {
    const store = this.project;
    const status = next ? store.status() : null;
    const counts = status ? { labeled: status.labeled, testLabeled: status.testSplit.labeled } : store.labelCounts();
    this.emit('labels:changed', { labeled: counts.labeled });
    this.maybeAutoEvaluate(counts);
    this.maybeReorder(counts.labeled);
    return next ? this.nextUpAfterWrite(next, status ?? undefined) : undefined;
  }

  /** nextUp after a write that has succeeded: a failure here must not look like a failed write, so it answers null. */
  private async nextUpAfterWrite(req: NextRequest, status?: ProjectStatus): Promise<NextUp | null> {
    try {
      return await this.nextUp(req, status);
    } catch {
      return null;
    }
  }

  /** The status, the images to show after `req.showing` and, when asked, their guesses (within the budget). */
  private nextUp(req: NextRequest, known?: ProjectStatus): Promise<NextUp> {
    return nextUp(this.project, req, known, (ids) => {
      this.predictor ??= new AnglePredictor(this.project.path, this.backendChoice());
      return this.predictor.predict(ids);
    }, this.options.guessBudgetMs ?? GUESS_BUDGET_MS);
  }

  /** After a batch of labels: tell the views, as label:set does. */
  private labelsStored<T>(result: T): T {
    this.emit('labels:changed', { labeled: this.project.labelCounts().labeled });
    return result;
  }

  /** Arm of the active order that queued this image (for interleaved queues). */
  private armOf(imageId: ImageId): 'novelty' | 'random' | 'none' {
    return this.project.armOf(imageId);
  }

  /**
   * In the app: recompute the queue in the background every REORDER_EVERY
   * labels, so it stays seeded with every label (labels taken out of queue
   * order, skips, and the typicality strategies' re-clustering).
   */
  private maybeReorder(labels: number): void {
    if (!this.options.autoEvaluate || this.reorderRunning || !this.store || !this.store.embeddingInfo()) return;
    // A full order costs O(n k d): at 100,000 images minutes of a worker's time, so large pools reorder less often.
    const every = Math.max(REORDER_EVERY, Math.ceil(this.store.poolSize() / REORDER_POOL_DIVISOR));
    if (labels - this.labelsAtLastReorder < every) return;
    this.reorderRunning = true;
    this.labelsAtLastReorder = labels;
    this.handlers['order:run']({})
      .catch(() => undefined) // reported through job:done
      .finally(() => {
        this.reorderRunning = false;
      });
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

/** Autoencoder epochs by pool size: enough gradient steps for small pools, few passes for large ones. */
export function defaultEpochs(poolSize: number): number {
  if (poolSize <= 0) return 1;
  const stepsWanted = 1500;
  const batch = 32;
  return Math.max(3, Math.min(40, Math.round((stepsWanted * batch) / poolSize)));
}

const PACKAGE_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
