/**
 * Domain model of a Novelty Labeler project, shared by engine, CLI and UI.
 * Terms follow docs/architecture.md. All records are readonly plain data (JSON-safe).
 */
import type { Brand } from './brand.js';
import type { Degrees } from './angle.js';

import type { ProjectSettings } from './project-settings.js';
import type { CompareVerdictReport, CurvePoint } from './curve-report.js';

export * from './project-settings.js';
export * from './curve-report.js';

export type ImageId = Brand<number, 'ImageId'>;
export type ModelId = Brand<number, 'ModelId'>;
export type OrderId = Brand<number, 'OrderId'>;
export type LabelId = Brand<number, 'LabelId'>;
export type JobId = Brand<string, 'JobId'>;

export type ImageStatus = 'ready' | 'unreadable' | 'missing';
/** An imported folder's part: 'pool' images are queued, 'test' images are the test split (never queued). */
export type FolderRole = 'pool' | 'test';

/**
 * Background the model input is composited on when an image has alpha:
 * mid gray (128), so that both black and white strokes on a transparent
 * background stay visible.
 */
export const ALPHA_BACKGROUND_GRAY = 128;

export interface ImageRecord {
  readonly id: ImageId;
  /** Absolute path of the file. */
  readonly path: string;
  /** Path relative to the imported folder, '/'-separated. */
  readonly relPath: string;
  readonly sha256: string | null;
  readonly status: ImageStatus;
  /** Decoder's message when unreadable; why it is missing. */
  readonly error: string | null;
  /** Displayed (EXIF-corrected) size in px; null when unreadable. */
  readonly width: number | null;
  readonly height: number | null;
  /** Id of the first image with the same SHA-256, when this one is an exact duplicate. */
  readonly duplicateOf: ImageId | null;
  readonly inTestSplit: boolean;
}

/** Which arm of an interleaved queue chose a label. */
export type Arm = 'novelty' | 'random' | 'test' | 'none';

export type LabelValue = { readonly kind: 'angle'; readonly angle: Degrees } | { readonly kind: 'none' }; // "no orientation / not applicable"

export interface LabelRecord {
  readonly id: LabelId;
  readonly imageId: ImageId;
  readonly value: LabelValue;
  readonly annotator: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Time the annotator spent on the image, ms (null when imported). */
  readonly durationMs: number | null;
  readonly arm: Arm;
  readonly source: 'annotator' | 'import' | 'simulated';
}

export interface QueueEntry {
  readonly imageId: ImageId;
  readonly path: string;
  readonly relPath: string;
  /** 0-based position in the order. */
  readonly rank: number;
  /** Latent distance to the nearest earlier pick or label when picked (null for random order). */
  readonly coverageRadius: number | null;
  /** The largest coverage radius in the same order (its most novel pick), so a view can show a radius relative to it; null when the order has none. */
  readonly radiusScale?: number | null;
  readonly arm: Arm;
  readonly width: number | null;
  readonly height: number | null;
}

/** An undone label and the image it was on, so a view can show that image again with its name. */
export interface UndoneLabel extends LabelRecord {
  readonly image: { readonly path: string; readonly relPath: string; readonly width: number | null; readonly height: number | null } | null;
}

/** Below this many test images with an angle, error figures are too noisy to tell strategies apart. */
export const MIN_RELIABLE_TEST = 50;

/** The exemplar model's guess for an image, the labeling widget's starting angle. */
export interface AnglePrediction {
  readonly imageId: ImageId;
  /** Degrees clockwise from up, [0, period); null before the first angle label. */
  readonly angle: Degrees | null;
  /** Correlation with the nearest labeled image over all turns, [-1, 1]; null with angle. */
  readonly similarity: number | null;
  /** Angle labels the guess was made from. */
  readonly exemplars: number;
}

export type ComputeBackend = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | ComputeBackend;

export interface EmbeddingInfo {
  readonly modelId: ModelId | null;
  readonly latentDim: number;
  readonly backend: ComputeBackend | null;
  /** The embedder that made them ('polar-fourier', 'autoencoder', 'contrastive') or the file they were imported from. */
  readonly source: string;
  readonly count: number;
  readonly reconstructionLoss: number | null;
  /** Turns averaged into each embedding by the autoencoder (1 = plain latent; embeddings made before this setting: 1); null when imported. */
  readonly turns: number | null;
}

export interface ProjectStatus {
  readonly path: string;
  readonly settings: ProjectSettings;
  readonly images: { readonly ready: number; readonly unreadable: number; readonly missing: number; readonly total: number };
  readonly duplicates: number;
  readonly labeled: number;
  readonly labeledNone: number;
  /**
   * Test split size and labels. `folders`: the folders imported as the test
   * split (`import --test`); empty when the split is the seeded random share
   * of the pool (testFraction, testMax).
   */
  readonly testSplit: { readonly size: number; readonly labeled: number; readonly folders?: readonly string[] };
  readonly embedding: EmbeddingInfo | null;
  /** `stale` (project:status only): made from older embeddings or before the last import, so "order" should run again. */
  readonly order: { readonly strategy: string; readonly seed: number; readonly length: number; readonly remaining: number; readonly stale?: boolean } | null;
  /**
   * Before the first order (e.g. while a folder imports and is embedded): the
   * images of the provisional queue, an even spread over the import in image-id
   * order (see OrderStore.provisionalQueue); null once an order is active.
   */
  readonly provisional?: { readonly remaining: number } | null;
  readonly curve: readonly CurvePoint[];
  /** The last compare's verdict.json, if any. */
  readonly compareVerdict?: CompareVerdictReport | null;
}

export interface ImportReport {
  /** Real absolute path of the imported folder. */
  readonly folder: string;
  /** Image files listed in the folder. */
  readonly scanned: number;
  /** New images added to the project (ready or unreadable). */
  readonly added: number;
  /** Files of this import (added, updated or re-linked) that decoded. */
  readonly ready: number;
  /** Files of this import that did not decode: absolute path and the decoder's reason. */
  readonly unreadable: readonly { readonly path: string; readonly error: string }[];
  /** Added images flagged as exact duplicates (same SHA-256) of an earlier image. */
  readonly duplicates: number;
  /** Files already in the project with the same path and content. */
  readonly skippedExisting: number;
  /** Images whose file was gone and found again here by SHA-256 (labels kept). */
  readonly relinked: number;
  /** Images at the same path whose content changed (or came back after missing). */
  readonly updated?: number;
  /** Images of this folder newly marked missing (their file is gone). */
  readonly missing?: number;
  /** Subfolders that could not be read, broken links, files that vanished during the import. */
  readonly problems?: readonly { readonly path: string; readonly error: string }[];
}

/** One point of the latent map (PCA plane of the embeddings). */
export interface LatentPoint {
  readonly imageId: ImageId;
  readonly x: number;
  readonly y: number;
  readonly state: 'unlabeled' | 'labeled' | 'next' | 'test';
}

export type ExportFormat = 'csv' | 'jsonl' | 'coco' | 'folder';

export interface ExportReport {
  readonly format: ExportFormat;
  readonly out: string;
  readonly count: number;
  /** Labeled images left out (e.g. their file is gone), with the reason. */
  readonly skipped?: readonly { readonly path: string; readonly reason: string }[];
  /** The metadata file written beside the export (angle convention, settings), when there is one. */
  readonly meta?: string | null;
}

/** Progress of a long job, as reported to the CLI and the UI. */
export interface JobProgress {
  readonly jobId: JobId;
  readonly stage: 'import' | 'embed' | 'order' | 'evaluate' | 'compare' | 'export' | 'demo';
  readonly done: number;
  readonly total: number;
  readonly message: string;
  /** Per-epoch reconstruction or training loss, when training. */
  readonly loss?: number;
  /** What done and total count when not the stage's usual unit (e.g. 'images' for an embedder that does not train). */
  readonly unit?: string;
}
