/**
 * The API object the renderer uses: the shared contract (NoveltyLabelerApi)
 * plus what only a desktop shell can offer (a native file dialog).
 * In Electron it is window.noveltyLabeler (preload bridge); in a browser an
 * HTTP client of the local transport. The renderer sees nothing else.
 */
import type { NoveltyLabelerApi } from '../../shared/api.js';
import type { ErrorCode } from '../../shared/errors.js';

/** Kinds of native path dialogs the Electron shell offers (mirrors src/main/electron/ipc-channels.ts). */
export type PathDialogKind = 'folder' | 'open-project' | 'save-project' | 'export-file' | 'export-folder';

export interface DesktopApi extends NoveltyLabelerApi {
  /** Native dialog; absent in a browser (type the path instead). Resolves null when cancelled. */
  readonly pickPath?: (kind: PathDialogKind, suggested?: string) => Promise<string | null>;
  /** 'electron' or 'http', for display. */
  readonly transport: 'electron' | 'http';
  /** Set when the page cannot reach the API (no or stale access token): shown instead of the app. */
  readonly accessProblem?: string;
}

/** A failed operation, with the service's error code. */
export class ApiCallError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Error message for display, without a code prefix. */
export function errorText(e: unknown): string {
  if (e instanceof ApiCallError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorCode(e: unknown): string | null {
  return e instanceof ApiCallError ? e.code : null;
}
