/**
 * One listed file of an import: read, hash and (when needed) decode it, plus
 * the small file and path helpers importFolder and relinkFolder share.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAppError } from '../../shared/errors.js';
import type { ImageId, ImageRecord, ImageStatus } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { MAX_FILE_BYTES, decodeModelInputFromBuffer, readImageFile, sha256Hex } from '../imaging/model-input.js';
import type { WalkedFile } from './walk-folder.js';

export type FileResult =
  | { readonly kind: 'unchanged'; readonly file: WalkedFile; readonly existing: ImageRecord }
  | { readonly kind: 'vanished'; readonly file: WalkedFile; readonly existing: ImageRecord | null }
  | {
      readonly kind: 'decoded';
      readonly file: WalkedFile;
      readonly existing: ImageRecord | null;
      readonly sha256: string | null;
      readonly sizeBytes: number | null;
      readonly width: number | null;
      readonly height: number | null;
      readonly status: Exclude<ImageStatus, 'missing'>;
      readonly error: string | null;
      readonly modelInput: Uint8Array | null;
    };

/** Read, hash and (when needed) decode one listed file. Never throws for a bad file. */
export async function processFile(store: ProjectStore, file: WalkedFile, opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): Promise<FileResult> {
  const existing = store.findImageByPath(file.absPath);
  let buf: Buffer;
  try {
    buf = await readImageFile(file.absPath);
  } catch (e) {
    if (isAppError(e) && e.code === 'not-found') return { kind: 'vanished', file, existing };
    const error = isAppError(e) ? e.message : `cannot read file: ${(e as Error).message}`;
    return { kind: 'decoded', file, existing, sha256: null, sizeBytes: null, width: null, height: null, status: 'unreadable', error, modelInput: null };
  }
  // A file new to the project is decoded (on libuv's pool, inside sharp) while
  // it is hashed on this thread; a known file is hashed first, as it is
  // skipped without decoding when its content did not change.
  const decoding = existing ? null : decodeModelInputFromBuffer(buf, opts);
  decoding?.catch(() => undefined); // its failure is handled where it is awaited below
  const sha256 = sha256Hex(buf);
  // Unchanged only when its stored model input is usable too (else decode it again).
  if (existing && existing.sha256 === sha256 && existing.status === 'ready' && hasUsableInput(store, existing.id, opts)) {
    return { kind: 'unchanged', file, existing };
  }
  try {
    const px = await (decoding ?? decodeModelInputFromBuffer(buf, opts));
    return {
      kind: 'decoded',
      file,
      existing,
      sha256,
      sizeBytes: buf.length,
      width: px.width,
      height: px.height,
      status: 'ready',
      error: null,
      modelInput: px.modelInput,
    };
  } catch (e) {
    if (isAppError(e) && e.code === 'invalid-argument') throw e; // a project setting is wrong: stop
    const error = isAppError(e) ? e.message : `decoder failed: ${(e as Error).message ?? String(e)}`;
    if (existing && existing.sha256 === sha256 && existing.status === 'unreadable' && existing.error === error) {
      return { kind: 'unchanged', file, existing };
    }
    return { kind: 'decoded', file, existing, sha256, sizeBytes: buf.length, width: null, height: null, status: 'unreadable', error, modelInput: null };
  }
}

/** Bytes of a usable model input: inputSize^2 x channels (what getModelInputs accepts). */
export function modelInputBytes(opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): number {
  return opts.inputSize * opts.inputSize * (opts.colorMode === 'rgb' ? 3 : 1);
}

export function hasUsableInput(store: ProjectStore, id: ImageId, opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): boolean {
  return store.modelInputLength(id) === modelInputBytes(opts);
}

/** Path marker (absolute or relative) of a record that left its path because the file there holds other content (see the module docstring). */
export function replacedMarker(p: string, id: ImageId): string {
  return `${p}#replaced-${id}`;
}

/** What the file at a path holds now: gone, unknown (cannot be read), or the SHA-256 of its bytes. */
export type FileNow = { readonly kind: 'gone' } | { readonly kind: 'unknown' } | { readonly kind: 'sha'; readonly sha256: string };

export function readFileNow(p: string): FileNow {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return { kind: 'gone' };
    if (st.size > MAX_FILE_BYTES) return { kind: 'unknown' };
    return { kind: 'sha', sha256: sha256Hex(fs.readFileSync(p)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'gone' } : { kind: 'unknown' };
  }
}

export function isUnder(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

export function defaultConcurrency(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(2, cores);
}
