/** Row shapes shared by the concept stores and their mapping to the records of src/shared/types. */
import type { Degrees } from '../../shared/angle.js';
import type { Arm, ImageId, ImageRecord, ImageStatus, LabelId, LabelRecord, LabelValue } from '../../shared/types.js';

export const now = (): string => new Date().toISOString();

/** Image columns without the model-input blob (cheap to list at 100k images). */
export const IMAGE_COLUMNS = 'id, folder_id, rel_path, abs_path, sha256, size_bytes, width, height, status, error, duplicate_of, in_test_split';

export interface ImageRow {
  id: number;
  rel_path: string;
  abs_path: string;
  sha256: string | null;
  width: number | null;
  height: number | null;
  status: ImageStatus;
  error: string | null;
  duplicate_of: number | null;
  in_test_split: number;
}

export interface LabelRow {
  id: number;
  image_id: number;
  angle_deg: number | null;
  no_orientation: number;
  annotator: string;
  created_at: string;
  duration_ms: number | null;
  arm: string;
  source: string;
}

export function toImage(r: ImageRow): ImageRecord {
  return {
    id: r.id as ImageId,
    path: r.abs_path,
    relPath: r.rel_path,
    sha256: r.sha256,
    status: r.status,
    error: r.error,
    width: r.width,
    height: r.height,
    duplicateOf: r.duplicate_of as ImageId | null,
    inTestSplit: r.in_test_split === 1,
  };
}

export function toLabel(r: LabelRow): LabelRecord {
  const value: LabelValue = r.no_orientation === 1 || r.angle_deg === null ? { kind: 'none' } : { kind: 'angle', angle: r.angle_deg as Degrees };
  return {
    id: r.id as LabelId,
    imageId: r.image_id as ImageId,
    value,
    annotator: r.annotator,
    createdAt: r.created_at,
    durationMs: r.duration_ms,
    arm: r.arm as Arm,
    source: r.source as LabelRecord['source'],
  };
}
