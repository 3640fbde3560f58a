/**
 * A project's setup as a small class outside React, so it keeps running when
 * the annotator starts labeling before it ends: create or open the project,
 * import the folders (the test folder first, so its images are never offered
 * as queue images), embed the images, compute the novelty order. While the
 * steps run, the service serves a provisional queue (an even spread over what
 * is imported so far) and test images; `canLabel` says when there is one to
 * show. Views subscribe to the state (useSyncExternalStore).
 */
import type { ImportReport, ProjectSettings, ProjectStatus } from '../../shared/types.js';
import { errorCode, errorText, type DesktopApi } from '../api/desktop-api.js';

export type SetupPlan =
  | {
      readonly kind: 'create';
      readonly projectPath: string;
      readonly folder: string;
      /** A folder imported as the test split (never queued). */
      readonly testFolder?: string;
      readonly settings: Partial<ProjectSettings>;
      readonly epochs?: number;
    }
  | { readonly kind: 'open'; readonly projectPath: string; readonly epochs?: number }
  /** The bundled demo: open its project when it exists, else create it from the demo folder. */
  | { readonly kind: 'demo'; readonly projectPath: string; readonly folder: string };

export type SetupStep = 'project' | 'import' | 'embed' | 'order' | 'done';

export interface SetupState {
  readonly step: SetupStep;
  readonly error: { readonly text: string; readonly cancelled: boolean } | null;
  readonly report: ImportReport | null;
  readonly testReport: ImportReport | null;
  readonly status: ProjectStatus | null;
  /** An image can be shown now: a queue image (the order's or the provisional queue's) or an unlabeled test image. */
  readonly canLabel: boolean;
}

/** Least time between two status reads while a step runs (ms). */
const STATUS_EVERY_MS = 1000;

/** Whether the status has an image to show: the order's or provisional queue's, or a test image. */
export function hasImageToShow(st: ProjectStatus): boolean {
  const queue = st.order?.remaining ?? st.provisional?.remaining ?? 0;
  return queue > 0 || st.testSplit.size - st.testSplit.labeled > 0;
}

export class SetupPipeline {
  static #made = 0;
  /** Distinct per pipeline (a React key). */
  readonly id = ++SetupPipeline.#made;
  #state: SetupState = { step: 'project', error: null, report: null, testReport: null, status: null, canLabel: false };
  readonly #listeners = new Set<() => void>();
  #attempt = 0;
  #started = -1;
  #disposed = false;
  #lastStatusRead = 0;
  readonly #offProgress: () => void;

  constructor(
    private readonly api: DesktopApi,
    readonly plan: SetupPlan,
  ) {
    // While a step runs, read the status now and then, so `canLabel` turns on as soon as images are in.
    this.#offProgress = api.on('job:progress', () => {
      const s = this.#state.step;
      if (s === 'project' || s === 'done' || Date.now() - this.#lastStatusRead < STATUS_EVERY_MS) return;
      this.#lastStatusRead = Date.now();
      this.api.invoke('project:status', {}).then(
        (st) => this.#take(st),
        () => undefined,
      );
    });
  }

  get state(): SetupState {
    return this.#state;
  }

  readonly subscribe = (fn: () => void): (() => void) => {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  };

  readonly getState = (): SetupState => this.#state;

  /** Run the steps (once per attempt; a second call does nothing). */
  start(): void {
    if (this.#started === this.#attempt || this.#disposed) return;
    this.#started = this.#attempt;
    void this.#run();
  }

  /** After a failure: run the steps again (a created project is opened, an imported folder not imported again). */
  retry(): void {
    this.#attempt++;
    this.start();
  }

  /** Stop reporting (the project was closed). A request in flight ends on its own. */
  dispose(): void {
    this.#disposed = true;
    this.#offProgress();
    this.#listeners.clear();
  }

  #set(patch: Partial<SetupState>): void {
    if (this.#disposed) return;
    this.#state = { ...this.#state, ...patch };
    for (const fn of [...this.#listeners]) fn();
  }

  #take(st: ProjectStatus): void {
    this.#set({ status: st, canLabel: hasImageToShow(st) });
  }

  /**
   * On a retry the project is still open in the service, with the labels made
   * meanwhile and their undo history: opening it again would start a new
   * session, so its status is read instead.
   */
  async #open(path: string): Promise<ProjectStatus> {
    if (this.#attempt > 0 && this.#state.status?.path === path) {
      try {
        const st = await this.api.invoke('project:status', {});
        if (st.path === path) return st;
      } catch {
        // no project open any more: open it below
      }
    }
    return this.api.invoke('project:open', { path });
  }

  async #run(): Promise<void> {
    const api = this.api;
    this.#set({ error: null });
    try {
      let st: ProjectStatus;
      this.#set({ step: 'project' });
      let plan: SetupPlan = this.plan;
      if (plan.kind === 'demo') {
        const demo = plan;
        try {
          await this.#open(demo.projectPath);
          plan = { kind: 'open', projectPath: demo.projectPath };
        } catch (e) {
          if (errorCode(e) !== 'not-found') throw e;
          plan = { kind: 'create', projectPath: demo.projectPath, folder: demo.folder, settings: { inputSize: 32 } };
        }
      }
      if (plan.kind === 'create') {
        const { report, status } = this.#state;
        // A retry after a failed import reopens the project instead of creating it again.
        st =
          this.#attempt > 0 && status
            ? await this.#open(status.path)
            : await api.invoke('project:create', { path: plan.projectPath, settings: plan.settings, folder: plan.folder });
        this.#take(st);
        if (!report || this.#attempt === 0) {
          this.#set({ step: 'import' });
          if (plan.testFolder) this.#set({ testReport: await api.invoke('images:import', { folder: plan.testFolder, test: true }) });
          this.#set({ report: await api.invoke('images:import', { folder: plan.folder }) });
        }
        st = await api.invoke('project:status', {});
      } else {
        st = await this.#open(plan.projectPath);
      }
      this.#take(st);
      if (st.images.ready === 0) throw new Error('The project has no readable images; import a folder with images (jpg, png, webp, tiff, gif, bmp, avif).');
      if (!st.embedding) {
        this.#set({ step: 'embed' });
        await api.invoke('embed:run', plan.epochs !== undefined ? { epochs: plan.epochs } : {});
        this.#take(await api.invoke('project:status', {}));
      }
      if (!this.#state.status?.order) {
        this.#set({ step: 'order' });
        await api.invoke('order:run', {});
      }
      this.#take(await api.invoke('project:status', {}));
      this.#set({ step: 'done' });
    } catch (e) {
      this.#set({ error: { text: errorText(e), cancelled: errorCode(e) === 'cancelled' } });
    }
  }
}
