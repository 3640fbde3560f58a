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

export interface RecentProject {
  readonly path: string;
  readonly openedAt: string;
}

/** Every operation: name -> request and response (both JSON-serialisable). */
export interface ApiOperations {
  /** Recent projects, newest first, and the bundled demo folder if present. */
  'app:info': {
    request: Record<string, never>;
    response: { readonly recent: readonly RecentProject[]; readonly demoFolder: string | null; /** Where the demo project lives (in the app's data folder, writable). */ readonly demoProject: string | null; readonly backend: ComputeBackend | null; readonly version: string; readonly openProject: string | null };
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
  /** Train the embedder (the project's setting, or `embedder`, which then becomes the setting) and write embeddings (or import them from a file). Long. */
  'embed:run': {
    request: { readonly epochs?: number; readonly backend?: BackendChoice; readonly fromFile?: string; readonly embedder?: EmbedderKind };
    response: { readonly modelId: number | null; readonly backend: ComputeBackend | null; readonly loss: number | null; readonly count: number };
  };
  /** Compute the queue order. Long for large projects. */
  'order:run': { request: { readonly strategy?: StrategyName; readonly seed?: number }; response: { readonly strategy: string; readonly length: number } };
  /** The next images to label. mode 'test' returns unlabeled test-split images in random order. */
  'queue:next': { request: { readonly count: number; readonly mode?: 'queue' | 'test' }; response: readonly QueueEntry[] };
  /** Commit one label; resolves only after it is in SQLite. */
  /** The exemplar model's angle for up to 64 images, from the labels so far (the widget's starting angle). */
  'queue:predict': { request: { readonly imageIds: readonly ImageId[] }; response: readonly AnglePrediction[] };
  'label:set': {
    request: {
      readonly imageId: ImageId;
      readonly angle: Degrees | null; // null = "no orientation / not applicable"
      readonly durationMs?: number;
      readonly annotator?: string;
      readonly arm?: Arm;
    };
    response: LabelRecord;
  };
  'label:undo': { request: Record<string, never>; response: UndoneLabel | null };
  'label:skip': { request: { readonly imageId: ImageId }; response: null };
  'labels:list': { request: Record<string, never>; response: readonly LabelRecord[] };
  /**
   * Store the labels of a CSV file (key column path, sha256 or id; angle): every row or none, in one transaction.
   * `split: 'test'`: only the rows of unlabeled test-split images (arm test), as a simulated annotator labels the test split.
   * `replaced`: rows that replace a different label already in the project (the label history keeps the old ones).
   */
  'labels:import': {
    request: { readonly file: string; readonly annotator?: string; readonly source?: LabelSource; readonly split?: 'test' };
    response: { readonly imported: number; readonly replaced: number };
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
  'export:run': { request: { readonly format: ExportFormat; readonly out: string; readonly upright?: boolean; /** Replace an existing output file (never the project, an image or a file in an imported folder). */ readonly overwrite?: boolean }; response: ExportReport };
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
