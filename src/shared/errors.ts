/**
 * Error codes shared by the engine, the CLI, the HTTP transport and the UI.
 * Every message names the file or field at fault and what to do about it.
 */
export const ERROR_CODES = [
  'invalid-argument',
  'invalid-angle',
  'not-found',
  'not-a-project',
  'project-too-new',
  'project-in-use',
  'no-project-open',
  'unreadable-image',
  'invalid-file',
  'no-embedding',
  'no-order',
  'not-enough-labels',
  'backend-unavailable',
  'cancelled',
  'training-failed',
  'forbidden',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected, user-facing failure with a stable code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof Error && (e as { name?: string }).name === 'AppError' && typeof (e as AppError).code === 'string';
}

/** Plain serialisable form of an error, as it crosses IPC and HTTP. */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
}

export function serializeError(e: unknown): SerializedError {
  if (isAppError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}
