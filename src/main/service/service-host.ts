/**
 * What a transport (Electron IPC, HTTP, CLI) needs from the service:
 * invoke an operation of the API contract, listen to its events, and fetch
 * an image of the open project by id (never by a path from the caller).
 */
import type { ApiEvents, EventName, OperationName, RequestOf, ResponseOf } from '../../shared/api.js';
import type { ImageId } from '../../shared/types.js';

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

export interface ImageBytes {
  readonly bytes: Uint8Array;
  readonly mime: string;
}

export interface ServiceHost {
  invoke<K extends OperationName>(op: K, request: RequestOf<K>): Promise<ResponseOf<K>>;
  onEvent(listener: EventListener): () => void;
  /**
   * The displayed (EXIF-corrected) image of the open project, re-encoded for a
   * browser (PNG or JPEG), longest side at most maxSide px. null for an unknown id.
   */
  imageBytes(id: ImageId, maxSide?: number): Promise<ImageBytes | null>;
}
