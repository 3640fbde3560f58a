/**
 * Domain model of a Novelty Labeler project, shared by engine, CLI and UI.
 * Terms follow DESIGN.md. All records are readonly plain data (JSON-safe).
 */
import type { Brand } from './brand.js';
import type { Degrees } from './angle.js';

export type ImageId = Brand<number, 'ImageId'>;
export type ModelId = Brand<number, 'ModelId'>;
export type OrderId = Brand<number, 'OrderId'>;
export type LabelId = Brand<number, 'LabelId'>;
export type JobId = Brand<string, 'JobId'>;

export type ImageStatus = 'ready' | 'unreadable' | 'missing';
/** An imported folder's part: 'pool' images are queued, 'test' images are the test split (never queued). */
export type FolderRole = 'pool' | 'test';
export type ColorMode = 'gray' | 'rgb';

/** Project settings, fixed at creation except where noted. */
export interface ProjectSettings {
  /** Side of the square model input in px (default 64). */
  readonly inputSize: number;
  /** Length of an embedding (default 32). */
  readonly latentDim: number;
  /** Objects with no front: angles in [0, 180). */
  readonly axial: boolean;
  /** Share of images held out as the test split (default 0.1, at most testMax images). */
  readonly testFraction: number;
  readonly testMax: number;
  readonly colorMode: ColorMode;
  /** Seed of the test split and the random orders. */
  readonly seed: number;
  /** Queue strategy used by `next` and the app (changeable). */
  readonly strategy: StrategyName;
  /** Which orientation model the learning curve and compare measure (changeable; see ORIENTATION_MODELS). */
  readonly orientationModel: OrientationModelKind;
  /**
   * Turns averaged into each embedding (1 = the plain latent vector; default 8:
   * the mean latent vector of the image turned by 0, 45, ..., 315 degrees, a
   * rotation-pooled embedding, so novelty is about what an image shows, not
   * which way it points).
   */
  readonly embeddingTurns: number;
  /**
   * What makes the latent space (changeable; takes effect at the next embed):
   * 'polar-fourier' (turn-, shift-, scale- and contrast-invariant polar Fourier
   * descriptors on the pool's principal axes; no training), 'autoencoder' (the
   * paper's convolutional autoencoder, reconstruction loss) or 'contrastive'
   * (SimCLR-style NT-Xent over augmented views: rotation, shift, scale,
   * lighting, blur and noise do not count as novelty). See EMBEDDERS.
   */
  readonly embedder: EmbedderKind;
}

export const EMBEDDERS = ['polar-fourier', 'autoencoder', 'contrastive'] as const;
export type EmbedderKind = (typeof EMBEDDERS)[number];

export const DEFAULT_SETTINGS: ProjectSettings = {
  inputSize: 64,
  latentDim: 32,
  axial: false,
  testFraction: 0.1,
  testMax: 500,
  colorMode: 'gray',
  seed: 1,
  strategy: 'probcover',
  orientationModel: 'aligned-exemplar',
  embeddingTurns: 8,
  embedder: 'polar-fourier',
};

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

/** Queue strategies (issue 6). 'interleaved' alternates the default novelty strategy and random. */
/**
 * Orientation models:
 * - 'exemplar': rotation-aware nearest-exemplar matching (no training; src/main/ml/exemplar-orientation.ts).
 * - 'aligned-exemplar': the same, with every image first shifted so its contrast centroid is at the centre
 *   (turning is about the centre, so a few pixels of shift otherwise break the match).
 * - 'regressor': the (sin, cos) regressor fine-tuned from the autoencoder's encoder (src/main/ml/orientation-model.ts).
 */
export const ORIENTATION_MODELS = ['exemplar', 'aligned-exemplar', 'regressor'] as const;
export type OrientationModelKind = (typeof ORIENTATION_MODELS)[number];

export const STRATEGIES = ['fps', 'random', 'typiclust', 'probcover', 'guarded-fps', 'fps-medoid', 'interleaved'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Which arm of an interleaved queue chose a label. */
export type Arm = 'novelty' | 'random' | 'test' | 'none';

export type LabelValue =
  | { readonly kind: 'angle'; readonly angle: Degrees }
  | { readonly kind: 'none' }; // "no orientation / not applicable"

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

export interface CurvePoint {
  /** Labeled-set size the model was trained on. */
  readonly size: number;
  readonly strategy: string;
  readonly seed: number;
  readonly maeDeg: number;
  readonly medianDeg: number;
  /** Share of test images within 10 degrees, in [0, 1]. */
  readonly within10: number;
  readonly testSize: number;
  readonly source: 'live' | 'compare';
  readonly createdAt: string;
  /** The orientation model measured (points from before schema 3 were the regressor's). */
  readonly model: OrientationModelKind;
  /**
   * 95 % interval of the point's mean error over seeds (degrees): a bootstrap
   * over test images, and over seeds where the orders differ
   * (src/main/report/curve-bootstrap.ts). Every seed's row of a compare point
   * carries its (strategy, size)'s interval. Absent on points from before it.
   */
  readonly ciLow?: number;
  readonly ciHigh?: number;
  /** Chance level of the test split the point was measured on (src/main/report/chance-level.ts). */
  readonly chanceDeg?: number;
  readonly extra?: CurvePointExtra;
}

/** Further per-point figures (the curve_points.extra JSON column). */
export interface CurvePointExtra {
  /** Distinct groups (truth file's source, group or class column) among this seed's first `size` labels. */
  readonly groups?: number;
  /** Every seed of this strategy gave the same order and the same curve: one measurement, not a seed spread. */
  readonly oneOrder?: boolean;
  /** The compare verdict code of this point's strategy. */
  readonly verdict?: VerdictCode;
}

/** One verdict code per strategy in a comparison (src/main/report/strategy-verdict.ts). */
export type VerdictCode = 'saves' | 'worse' | 'no-difference' | 'not-learned' | 'too-few-test';

/** verdict.json of `compare` (and `compare --json`): what the data shows, with 95 % intervals. */
export interface CompareVerdictReport {
  readonly schema: 1;
  readonly createdAt: string;
  readonly model: OrientationModelKind;
  /** Test images with a ground-truth angle. */
  readonly testSize: number;
  /** Fewest test images for any verdict. */
  readonly minReliableTest: number;
  /** Bootstrap resamples behind every interval (95 %, percentile). */
  readonly resamples: number;
  readonly chance: {
    /** The smaller of the two below: what a model that learned nothing scores. */
    readonly chanceDeg: number;
    /** period / 4: 90 for full-circle labels, 45 for axial ones. */
    readonly uninformedDeg: number;
    readonly circularMeanDeg: number | null;
    /** Error of always answering the test split's circular mean. */
    readonly circularMeanErrorDeg: number | null;
    readonly period: number;
  };
  readonly reference: string;
  readonly strategies: readonly {
    readonly strategy: string;
    readonly code: VerdictCode;
    readonly seeds: readonly number[];
    /** Distinct orders among the seeds (1 for a deterministic order such as guarded-fps). */
    readonly orders: number;
    /** All seeds gave one identical curve: its interval is over test images only. */
    readonly oneOrder: boolean;
    /** Some point is below chance beyond its interval. */
    readonly learned: boolean;
    readonly points: readonly {
      readonly size: number;
      readonly meanDeg: number;
      readonly medianDeg: number;
      readonly within10: number;
      readonly ciLow: number;
      readonly ciHigh: number;
      /** Paired difference to the reference at this size (strategy minus reference, degrees), with its interval. */
      readonly vsReference: { readonly diffDeg: number; readonly ciLow: number; readonly ciHigh: number } | null;
      /** Distinct groups among the first `size` labels: mean over seeds with its interval, and per seed. */
      readonly groups?: { readonly mean: number; readonly ciLow: number; readonly ciHigh: number; readonly perSeed: readonly number[] };
    }[];
    /**
     * Labels needed to reach the reference's error at its largest size, with its interval (null ends: not reached).
     * Null when there is nothing to reach: this curve or the reference's has not learned (a "saving" against a
     * reference at chance would be a figure the data does not carry), or the test split is too small.
     */
    readonly labelsToReach: {
      readonly targetMaeDeg: number;
      readonly referenceSize: number;
      /** Labels the reference itself needs for that error (its curve may get there before its largest size). */
      readonly referenceNeeded?: number;
      readonly size: number | null;
      readonly ciLow: number | null;
      readonly ciHigh: number | null;
      readonly savedShare: number | null;
      readonly savedLow: number | null;
      readonly savedHigh: number | null;
    } | null;
    readonly betterAt: readonly number[];
    readonly worseAt: readonly number[];
  }[];
  /** Coverage of the variety, when the truth file has a source, group or class column. */
  readonly groups: {
    readonly column: string;
    /** Distinct groups in the labeled pool (test split excluded). */
    readonly inPool: number;
    /** Share of pool images whose nearest neighbour in the embedding is of the same group. */
    readonly nearestNeighbourSameGroup: number | null;
    /** The highest rate any embedding could reach: the share of pool images whose group has another image in the pool. */
    readonly nearestNeighbourCeiling?: number | null;
    /** min(size, inPool) per size. */
    readonly oracle: readonly { readonly size: number; readonly groups: number }[];
  } | null;
  /** The sentence `compare` prints. */
  readonly sentence: string;
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

export interface CompareResult {
  readonly points: readonly CurvePoint[];
  /** Per strategy: smallest size whose mean error reaches the other's error at its largest size. */
  readonly labelsNeeded: readonly {
    readonly strategy: string;
    readonly reference: string;
    readonly targetMaeDeg: number;
    readonly size: number | null;
    /** The reference's largest size. */
    readonly referenceSize: number;
    /** 1 - size / referenceSize: the share of labels saved (null when never reached). */
    readonly savedShare: number | null;
    /** The same figure per seed of the strategy: its spread. */
    readonly seedSizes: readonly { readonly seed: number; readonly size: number | null }[];
  }[];
  readonly csvPath: string | null;
  readonly svgPath: string | null;
  /** One plain sentence: which strategy saves labels on this data, and whether it looks redundant or balanced (report/strategy-verdict.ts). */
  readonly verdict?: string;
  /** What the run left out and why (e.g. sizes larger than the labeled pool). */
  readonly notes?: readonly string[];
  /** verdict.json's content and where it was written (null without an output folder). */
  readonly report?: CompareVerdictReport;
  readonly verdictPath?: string | null;
}
