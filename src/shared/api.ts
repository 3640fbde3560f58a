/**
 * The API contract between the UI (renderer) and the service (main process).
 * One typed map of operations and one of events; the Electron preload bridge,
 * the HTTP transport and the CLI all speak exactly this.
 * (Style: GitHub Desktop's shared IPC channel maps.)
 */
import type { Degrees } from './angle.js';
import type {
  EmbedderKind,
  AnglePrediction,
  Arm,
  OrientationModelKind,
  BackendChoice,
  CompareResult,
  ComputeBackend,
  CurvePoint,
  ExportFormat,
  ExportReport,
  ImageId,
  ImageRecord,
  ImportReport,
  JobId,
  JobProgress,
  LabelRecord,
  LabelValue,
  LatentPoint,
  ProjectSettings,
  ProjectStatus,
  QueueEntry,
  StrategyName,
  UndoneLabel,
} from './types.js';
import type { SerializedError } from './errors.js';

/**
 * What a labeling view asks the engine for with a label (or a skip, or on
 * its own with queue:upcoming): the images to show after the ones it holds.
 */
export interface NextRequest {
  /** Images the view already holds (on screen, prefetched): never offered again. */
  readonly showing: readonly ImageId[];
  /** Images skipped in this session: offered again only when nothing else is left in the queue. */
  readonly skipped?: readonly ImageId[];
  /** How many images to choose (1-4, default 1), each as if the earlier ones were labeled. */
  readonly count?: number;
  /** Attach the exemplar model's guess for the queue images among `showing` and the ones chosen. */
  readonly guess?: boolean;
}

/** An image to show next and where it comes from. */
export interface UpcomingImage {
  readonly entry: QueueEntry;
  /** 'test': a test-split image (starts at 0, never with a guess); 'queue': the queue's next. */
  readonly mode: 'queue' | 'test';
  /** A skipped image offered again because nothing else is left in the queue (the view forgets its skips). */
  readonly reoffered: boolean;
}

/** The engine's answer: the project's status after the request, the images to show next, and their guesses. */
export interface NextUp {
  readonly status: ProjectStatus;
  /** In showing order; empty when nothing is left to label. */
  readonly upcoming: readonly UpcomingImage[];
  /**
   * Guesses for the queue images among `showing` and `upcoming` when asked;
   * null when the model did not answer within the service's budget (ask
   * queue:predict then); empty when not asked.
   */
  readonly guesses: readonly AnglePrediction[] | null;
}

export interface RecentProject {
  readonly path: string;
  readonly openedAt: string;
}

/** Every operation: name -> request and response (both JSON-serialisable). */
export interface ApiOperations {
  /** Recent projects, newest first, and the bundled demo folder if present. */
  'app:info': {
    request: Record<string, never>;
    response: {
      readonly recent: readonly RecentProject[];
      readonly demoFolder: string | null;
      /** Where the demo project lives (in the app's data folder, writable). */ readonly demoProject: string | null;
      readonly backend: ComputeBackend | null;
      readonly version: string;
      readonly openProject: string | null;
    };
  };
  /** `folder`: the image folder the new project will import; checked first, so a missing folder leaves no project behind. */
  'project:create': { request: { readonly path: string; readonly settings?: Partial<ProjectSettings>; readonly folder?: string }; response: ProjectStatus };
  'project:open': { request: { readonly path: string }; response: ProjectStatus };
  'project:close': { request: Record<string, never>; response: null };
  'project:status': { request: Record<string, never>; response: ProjectStatus };
  'project:set-strategy': { request: { readonly strategy: StrategyName }; response: ProjectStatus };
  /** Import a folder (recursive). Long: reports 'job:progress'. */
  /** `test`: the folder's images become the test split, never queued (the random split is then off). */
  'images:import': { request: { readonly folder: string; readonly test?: boolean }; response: ImportReport };
  'images:unreadable': { request: Record<string, never>; response: readonly ImageRecord[] };
  /** The image a reference names: its id, its path (absolute or relative to the working folder) or its path relative to its imported folder. */
  'images:resolve': { request: { readonly ref: string }; response: { readonly imageId: ImageId } };
  /** Make the latent space with the embedder (the project's setting, or `embedder`, which then becomes the setting) and write embeddings (or import them from a file). Long for the trained embedders. */
  'embed:run': {
    request: { readonly epochs?: number; readonly backend?: BackendChoice; readonly fromFile?: string; readonly embedder?: EmbedderKind };
    /** `explained`: for the polar Fourier embedder, the share of the descriptors' variance its principal axes keep. */
    response: {
      readonly modelId: number | null;
      readonly backend: ComputeBackend | null;
      readonly loss: number | null;
      readonly count: number;
      readonly explained?: number;
    };
  };
  /** Compute the queue order. Long for large projects. */
  'order:run': { request: { readonly strategy?: StrategyName; readonly seed?: number }; response: { readonly strategy: string; readonly length: number } };
  /** The next images to label. mode 'test' returns unlabeled test-split images in random order. */
  'queue:next': { request: { readonly count: number; readonly mode?: 'queue' | 'test' }; response: readonly QueueEntry[] };
  /** The images to show after `showing`, test or queue by the test cadence (the engine's policy), with the status and guesses. */
  'queue:upcoming': { request: NextRequest; response: NextUp };
  /** The exemplar model's angle for up to 64 images, from the labels so far (the widget's starting angle). */
  'queue:predict': { request: { readonly imageIds: readonly ImageId[] }; response: readonly AnglePrediction[] };
  /**
   * Commit one label; resolves only after it is in SQLite. With `next`, the
   * answer also carries what the view shows next (null when that could not be
   * worked out; the label is stored all the same).
   */
  'label:set': {
    request: {
      readonly imageId: ImageId;
      readonly angle: Degrees | null; // null = "no orientation / not applicable"
      readonly durationMs?: number;
      readonly annotator?: string;
      readonly arm?: Arm;
      readonly next?: NextRequest;
    };
    response: LabelRecord & { readonly next?: NextUp | null };
  };
  'label:undo': { request: Record<string, never>; response: UndoneLabel | null };
  /** Put an image at the end of the queue; with `next`, answers what the view shows next (as label:set). */
  'label:skip': { request: { readonly imageId: ImageId; readonly next?: NextRequest }; response: NextUp | null };
  'labels:list': { request: Record<string, never>; response: readonly LabelRecord[] };
  /**
   * Store the labels of a CSV file (key column path, sha256 or id; angle): every row or none, in one transaction.
   * `split: 'test'`: only the rows of unlabeled test-split images (arm test), as a simulated annotator labels the test split.
   * `replaced`: rows that replace a different label already in the project (the label history keeps the old ones).
   * `unchanged`: rows repeating the image's current label; that label stays as it is (annotator, source, time).
   */
  'labels:import': {
    request: { readonly file: string; readonly annotator?: string; readonly source?: LabelSource; readonly split?: 'test' };
    response: { readonly imported: number; readonly replaced: number; readonly unchanged: number };
  };
  /** The labels of a CSV file checked against the project's images, nothing stored (a simulated annotator's ground truth). */
  'labels:read': { request: { readonly file: string }; response: readonly FileLabel[] };
  /** Store labels a program gives (a simulated annotator, an import), all or none; the annotator's own labels go through label:set. */
  'labels:add': {
    request: { readonly labels: readonly ProgramLabel[]; readonly annotator: string; readonly source: LabelSource };
    response: { readonly added: number };
  };
  /** Train on the labels so far and add a learning-curve point. Long. */
  'evaluate:run': { request: Record<string, never>; response: readonly CurvePoint[] };
  'compare:run': {
    request: {
      readonly truthFile?: string;
      readonly sizes: readonly number[];
      readonly seeds: number;
      readonly strategies?: readonly string[];
      readonly outDir?: string;
      /** Replace existing outputs in outDir (never the project, an image or a file in an imported folder). */
      readonly overwrite?: boolean;
      /** Orientation model measured (default: the project setting). */
      readonly orientationModel?: OrientationModelKind;
    };
    response: CompareResult;
  };
  'curve:get': { request: Record<string, never>; response: readonly CurvePoint[] };
  'latent:map': { request: Record<string, never>; response: readonly LatentPoint[] };
  'export:run': {
    request: {
      readonly format: ExportFormat;
      readonly out: string;
      readonly upright?: boolean;
      /** Replace an existing output file (never the project, an image or a file in an imported folder). */ readonly overwrite?: boolean;
    };
    response: ExportReport;
  };
  'job:cancel': { request: { readonly jobId: JobId }; response: null };
}

/** Where a label given by a program comes from. */
export type LabelSource = 'import' | 'simulated';

export interface FileLabel {
  readonly imageId: ImageId;
  readonly value: LabelValue;
}

export interface ProgramLabel {
  readonly imageId: ImageId;
  readonly value: LabelValue;
  readonly arm?: Arm;
  readonly durationMs?: number;
}

export type OperationName = keyof ApiOperations;
export type RequestOf<K extends OperationName> = ApiOperations[K]['request'];
export type ResponseOf<K extends OperationName> = ApiOperations[K]['response'];

/** Events pushed from the service to every UI. */
export interface ApiEvents {
  'job:progress': JobProgress;
  'job:done': { readonly jobId: JobId; readonly stage: JobProgress['stage']; readonly error: SerializedError | null };
  'labels:changed': { readonly labeled: number };
  'curve:changed': { readonly points: readonly CurvePoint[] };
  'order:changed': { readonly strategy: string; readonly length: number };
}
export type EventName = keyof ApiEvents;

/** Result envelope as it crosses IPC or HTTP. */
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };

/** The one object the renderer sees (window.noveltyLabeler in Electron; an HTTP client in a browser). */
export interface NoveltyLabelerApi {
  invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>>;
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** URL the renderer may put in <img src> for an image of the open project (by id only). */
  imageUrl(id: ImageId): string;
}

export const OPERATION_NAMES: readonly OperationName[] = [
  'app:info',
  'project:create',
  'project:open',
  'project:close',
  'project:status',
  'project:set-strategy',
  'images:import',
  'images:unreadable',
  'images:resolve',
  'embed:run',
  'order:run',
  'queue:next',
  'queue:upcoming',
  'queue:predict',
  'label:set',
  'label:undo',
  'label:skip',
  'labels:list',
  'labels:import',
  'labels:read',
  'labels:add',
  'evaluate:run',
  'compare:run',
  'curve:get',
  'latent:map',
  'export:run',
  'job:cancel',
];
