/** What the store takes in and gives back beyond the records of src/shared/types. */
import type { Arm, ComputeBackend, CurvePoint, ImageId, ImageStatus, LabelRecord, LabelValue, ModelId } from '../../shared/types.js';

export interface NewImage {
  readonly folderId: number;
  readonly relPath: string;
  readonly absPath: string;
  readonly sha256: string | null;
  readonly sizeBytes: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly status: ImageStatus;
  readonly error: string | null;
  /** Model input, uint8, inputSize x inputSize x channels, row-major (HWC). */
  readonly modelInput: Uint8Array | null;
}

/** A label before it is stored (see LabelStore.add). */
export interface NewLabel {
  readonly imageId: ImageId;
  readonly value: LabelValue;
  readonly annotator: string;
  readonly durationMs?: number | null;
  readonly arm?: Arm;
  readonly source?: LabelRecord['source'];
  readonly createdAt?: string;
}

/** Embeddings of a set of images: row i of `data` (length dim) belongs to ids[i]. */
export interface EmbeddingMatrix {
  readonly setId: number;
  readonly ids: readonly ImageId[];
  readonly dim: number;
  /** Row-major N x dim. */
  readonly data: Float32Array;
}

/** An embedding set before it is stored: data is row-major ids.length x dim; pca (optional) is ids.length x 2. */
export interface NewEmbeddings {
  readonly modelId: ModelId | null;
  readonly source: string;
  readonly backend: ComputeBackend | null;
  readonly loss: number | null;
  readonly ids: readonly ImageId[];
  readonly dim: number;
  readonly data: Float32Array;
  readonly pca: Float32Array | null;
}

export interface StoredModel {
  readonly id: ModelId;
  readonly kind: 'autoencoder' | 'contrastive' | 'orientation';
  readonly createdAt: string;
  readonly backend: string | null;
  readonly params: Record<string, unknown>;
  readonly topology: unknown;
  readonly weights: Uint8Array | null;
  readonly metrics: Record<string, unknown>;
}

/** A model before it is stored (the store adds id and time). */
export interface NewModel {
  readonly kind: StoredModel['kind'];
  readonly backend: string | null;
  readonly params: Record<string, unknown>;
  readonly topology: unknown;
  readonly weights: Uint8Array | null;
  readonly metrics?: Record<string, unknown>;
}

export interface OrderEntryInput {
  readonly imageId: ImageId;
  readonly coverageRadius: number | null;
  readonly arm: Arm;
}

/** An order before it is stored (see OrderStore.save). */
export interface NewOrder {
  readonly strategy: string;
  readonly seed: number;
  readonly embeddingSetId: number | null;
  readonly params?: Record<string, unknown>;
  readonly entries: readonly OrderEntryInput[];
  /** Run inside the transaction that makes the order active; throwing keeps the previous order (the new one is deleted). */
  readonly beforeSwitch?: () => void;
}

/** A learning-curve point before it is stored (the store adds source and time). */
export type NewCurvePoint = Omit<CurvePoint, 'source' | 'createdAt'>;
