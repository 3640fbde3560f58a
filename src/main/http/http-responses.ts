/**
 * The HTTP transport's responses and request bodies: security headers on
 * every response, JSON answers and errors, the status of each error code,
 * and a body read with a size limit (http-transport.ts routes the requests).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { RENDERER_MIME, rendererCsp } from '../security/renderer-files.js';
import type { ApiResult } from '../../shared/api.js';
import type { ErrorCode, SerializedError } from '../../shared/errors.js';

export const MAX_BODY_BYTES = 1 << 20;

export const CONTENT_SECURITY_POLICY = rendererCsp();

export const MIME = RENDERER_MIME;

export const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  'invalid-argument': 400,
  'invalid-angle': 400,
  'invalid-file': 400,
  'not-a-project': 400,
  'project-too-new': 400,
  'unreadable-image': 422,
  'not-found': 404,
  forbidden: 403,
  'project-in-use': 409,
  'no-project-open': 409,
  'no-embedding': 409,
  'no-order': 409,
  'not-enough-labels': 409,
  cancelled: 409,
  'backend-unavailable': 503,
  'training-failed': 500,
  internal: 500,
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function sameSecret(given: string, secret: Buffer): boolean {
  const g = Buffer.from(given, 'utf8');
  return g.length === secret.length && timingSafeEqual(g, secret);
}

export function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function sendJson(res: ServerResponse, status: number, body: ApiResult<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: SerializedError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { ok: false, error });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'invalid-argument', `request body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'invalid-argument', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
