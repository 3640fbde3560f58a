/**
 * Import a folder of images into a project (DESIGN.md pipeline stage 1), and
 * re-link a moved folder by content hash.
 *
 * importFolder:
 *   1. lists the folder (walkFolder: recursive, deterministic, symlink-safe);
 *   2. marks images of this folder whose files are gone as 'missing';
 *   3. reads every listed file once, hashes it (SHA-256) and, when it is new
 *      or its content changed, decodes it into the model input
 *      (decodeModelInputFromBuffer) - `concurrency` files at a time, the
 *      decoding itself running on libuv's thread pool inside sharp;
 *   4. writes the results in walk order, in transactions of `batchSize`
 *      files, so image ids follow the walk order whatever the concurrency and
 *      an interrupted import (cancel, crash, SIGKILL) leaves a consistent
 *      project: the next import of the same folder skips what was written and
 *      adds only the rest;
 *   5. grows the test split (ProjectStore.updateTestSplit with seededHashUnit).
 *
 * Per file outcome: new -> inserted as ready or unreadable (with the decoder's
 * reason); exact duplicate of a ready image -> flagged (duplicate_of) by
 * ProjectStore.insertImage; new but with the SHA-256 of an image whose file is
 * gone -> that image is re-linked to the new path (its labels, embeddings and
 * queue entries kept); same path, same content -> skipped; same path, new
 * content (or earlier unreadable, or back after missing) -> its content is
 * replaced; vanished between listing and reading -> not added (or marked
 * missing), never a crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError, isAppError } from '../../shared/errors.js';
import { seededHashUnit } from '../../shared/random.js';
import type { ImageId, ImageRecord, ImageStatus, ImportReport } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { decodeModelInputFromBuffer, readImageFile, sha256Hex } from '../imaging/model-input.js';
import { walkFolder, type WalkedFile } from './walk-folder.js';

export interface ImportOptions {
  /** Called as files are processed (at most once per progressIntervalMs, always at the start and the end). */
  readonly onProgress?: (done: number, total: number, message: string) => void;
  /** Least time between two progress calls, ms (default 100; 0 reports every file). */
  readonly progressIntervalMs?: number;
  /** Aborting stops the import after the files in flight; what was written stays. */
  readonly signal?: AbortSignal;
  /** Files read and decoded at a time (default: available CPU cores, at least 2). */
  readonly concurrency?: number;
  /** Files written per transaction (default 64). */
  readonly batchSize?: number;
}

type FileResult =
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
async function processFile(store: ProjectStore, file: WalkedFile, opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): Promise<FileResult> {
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
  if (existing && existing.sha256 === sha256 && existing.status === 'ready') return { kind: 'unchanged', file, existing };
  try {
    const px = await (decoding ?? decodeModelInputFromBuffer(buf, opts));
    return { kind: 'decoded', file, existing, sha256, sizeBytes: buf.length, width: px.width, height: px.height, status: 'ready', error: null, modelInput: px.modelInput };
  } catch (e) {
    if (isAppError(e) && e.code === 'invalid-argument') throw e; // a project setting is wrong: stop
    const error = isAppError(e) ? e.message : `decoder failed: ${(e as Error).message ?? String(e)}`;
    if (existing && existing.sha256 === sha256 && existing.status === 'unreadable' && existing.error === error) {
      return { kind: 'unchanged', file, existing };
    }
    return { kind: 'decoded', file, existing, sha256, sizeBytes: buf.length, width: null, height: null, status: 'unreadable', error, modelInput: null };
  }
}

function isUnder(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function fileExists(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function defaultConcurrency(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(2, cores);
}

/**
 * Import every image file under `folder` (recursively) into the project.
 *
 * @param store open project (its settings give inputSize and colorMode)
 * @param folder folder path; stored as its real absolute path
 * @param opts onProgress(done, total, message) with done/total in files (the
 *   caller derives rate and time left); signal to cancel; concurrency; batchSize
 * @returns ImportReport: scanned (files listed), added (new rows), ready
 *   (added, updated or re-linked files that decoded), unreadable (absolute path
 *   and reason of each file of this import that did not decode), duplicates
 *   (added files flagged as exact duplicates), skippedExisting (same path and
 *   content), relinked, updated, missing (images of this folder newly marked
 *   missing), problems (unreadable subfolders, broken links, vanished files)
 * @throws AppError('not-found') for a folder that does not exist;
 *   AppError('cancelled') when the signal aborts (files written so far stay);
 *   database errors (e.g. disk full) propagate after the last complete batch.
 */
export async function importFolder(store: ProjectStore, folder: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const { inputSize, colorMode } = store.settings;
  const signal = opts.signal;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? defaultConcurrency()));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 64));
  const cancelled = (done: number, total: number): AppError =>
    new AppError('cancelled', `import of ${folder} cancelled after ${done} of ${total} files; the files written so far are kept, import the folder again to add the rest`);

  if (signal?.aborted) throw cancelled(0, 0);
  const walk = await walkFolder(folder, { signal });
  const root = walk.root;
  const files = walk.files;
  const total = files.length;
  const folderId = store.folderId(root);
  const problems: { path: string; error: string }[] = [...walk.problems];

  // Images of this folder whose files are gone.
  const listed = new Set(files.map((f) => f.absPath));
  let missing = 0;
  const markedMissing = new Set<number>();
  const stamp = new Date().toISOString();
  store.transaction(() => {
    for (const img of store.listPresentImagePaths()) {
      if (!isUnder(root, img.absPath) || listed.has(img.absPath)) continue;
      try {
        fs.statSync(img.absPath);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          store.setImageStatus(img.id, 'missing', `file not found when ${root} was imported on ${stamp}`);
          markedMissing.add(img.id);
          missing++;
        }
      }
    }
  });

  let done = 0;
  let lastReport = 0;
  const interval = Math.max(0, opts.progressIntervalMs ?? 100);
  const progress = (message: string, force = false): void => {
    if (!opts.onProgress) return;
    const t = Date.now();
    if (!force && t - lastReport < interval) return;
    lastReport = t;
    opts.onProgress(done, total, message);
  };
  progress(`found ${total} image files in ${root}`, true);

  const counts = { added: 0, ready: 0, duplicates: 0, skippedExisting: 0, relinked: 0, updated: 0 };
  const unreadable: { path: string; error: string }[] = [];
  const relinkedIds = new Set<number>();

  const writeOne = (r: FileResult): void => {
    if (r.kind === 'unchanged') {
      counts.skippedExisting++;
      return;
    }
    const f = r.file;
    const current = store.findImageByPath(f.absPath) ?? r.existing;
    if (r.kind === 'vanished') {
      if (current && current.status !== 'missing') {
        store.setImageStatus(current.id, 'missing', `file vanished while ${root} was imported on ${stamp}`);
        missing++;
      } else if (!current) {
        problems.push({ path: f.absPath, error: 'file vanished during the import' });
      }
      return;
    }
    const content = {
      sha256: r.sha256,
      sizeBytes: r.sizeBytes,
      width: r.width,
      height: r.height,
      status: r.status,
      error: r.error,
      modelInput: r.modelInput,
    };
    if (r.status === 'unreadable') unreadable.push({ path: f.absPath, error: r.error ?? 'unreadable' });
    if (current) {
      const oldSha = current.sha256;
      store.updateImageContent(current.id, content);
      if (oldSha) store.refreshDuplicates(oldSha);
      if (r.sha256 && r.sha256 !== oldSha) store.refreshDuplicates(r.sha256);
      counts.updated++;
      if (r.status === 'ready') counts.ready++;
      return;
    }
    // New path: an image with this content whose file is gone is re-linked here.
    if (r.sha256) {
      const candidate = store
        .findImagesBySha(r.sha256)
        .find((c) => !relinkedIds.has(c.id) && c.path !== f.absPath && (c.status === 'missing' || !fileExists(c.path)));
      if (candidate) {
        store.moveImage(candidate.id, folderId, f.relPath, f.absPath);
        store.updateImageContent(candidate.id, content);
        store.refreshDuplicates(r.sha256);
        relinkedIds.add(candidate.id);
        if (markedMissing.delete(candidate.id)) missing--; // moved inside this folder, not gone
        counts.relinked++;
        if (r.status === 'ready') counts.ready++;
        return;
      }
    }
    const id = store.insertImage({ folderId, relPath: f.relPath, absPath: f.absPath, ...content });
    counts.added++;
    if (r.status === 'ready') counts.ready++;
    if (store.getImage(id)?.duplicateOf != null) counts.duplicates++;
  };

  // Results are written in walk order: `results` holds the finished ones
  // until every earlier file has finished too.
  const results: (FileResult | undefined)[] = new Array(total);
  let nextToWrite = 0;
  let pending: FileResult[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    store.transaction(() => {
      for (const r of batch) writeOne(r);
    });
  };
  const collect = (): void => {
    while (nextToWrite < total && results[nextToWrite] !== undefined) {
      pending.push(results[nextToWrite]!);
      results[nextToWrite] = undefined;
      nextToWrite++;
      if (pending.length >= batchSize) flush();
    }
  };

  // Back-pressure: a slow file holds up writing; the others may run ahead by
  // at most `maxAhead` files, so finished results never pile up in memory.
  const maxAhead = 4 * concurrency + batchSize;
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  signal?.addEventListener('abort', wake, { once: true });
  let nextToStart = 0;
  let fatal: unknown = null;
  const stopped = (): boolean => fatal !== null || signal?.aborted === true;
  const worker = async (): Promise<void> => {
    while (!stopped() && nextToStart < total) {
      if (nextToStart - nextToWrite >= maxAhead) {
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      const i = nextToStart++;
      const file = files[i]!;
      try {
        results[i] = await processFile(store, file, { inputSize, colorMode });
        done++;
        progress(file.relPath);
        collect();
      } catch (e) {
        fatal ??= e;
      } finally {
        wake();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, total)) }, worker));
  } finally {
    signal?.removeEventListener('abort', wake);
  }
  if (fatal !== null) {
    // Keep the complete batches already committed; write nothing after a failure.
    throw fatal;
  }
  collect();
  flush();
  progress(signal?.aborted ? 'cancelled' : 'done', true);
  if (signal?.aborted && nextToWrite < total) throw cancelled(nextToWrite, total);

  store.updateTestSplit(seededHashUnit);
  return {
    folder: root,
    scanned: total,
    added: counts.added,
    ready: counts.ready,
    unreadable,
    duplicates: counts.duplicates,
    skippedExisting: counts.skippedExisting,
    relinked: counts.relinked,
    updated: counts.updated,
    missing,
    problems,
  };
}

export interface RelinkReport {
  /** Real absolute path of the new folder. */
  readonly folder: string;
  /** Images now pointing into the new folder. */
  readonly relinked: number;
  /** Images of the old folder with no file of the same content in the new one (relative paths). */
  readonly notFound: readonly string[];
  /** Images whose new path is already another image of the project (left as they were). */
  readonly conflicts: readonly string[];
}

/**
 * Re-link the images of a folder that was moved (or renamed, or copied to
 * another disk) to its new place, matching by content: an image is re-linked
 * to the file at the same relative path when its SHA-256 matches, else to any
 * unclaimed file of the new folder with its SHA-256 (files reorganised inside
 * the folder). Labels, embeddings and queue positions stay with the image.
 * Images that were 'missing' become 'ready' again when their model input is
 * stored, otherwise their file is decoded again.
 *
 * @param oldFolder the folder as it was imported (absolute or relative to the cwd)
 * @param newFolder where it is now
 * @throws AppError('not-found') when oldFolder was never imported or newFolder does not exist
 */
export async function relinkFolder(
  store: ProjectStore,
  oldFolder: string,
  newFolder: string,
  opts: { readonly signal?: AbortSignal; readonly concurrency?: number } = {},
): Promise<RelinkReport> {
  const oldRoot = path.resolve(oldFolder);
  const folders = store.listFolders();
  let old = folders.find((f) => f.path === oldRoot);
  if (!old) {
    const real = await fs.promises.realpath(oldRoot).catch(() => null);
    old = real ? folders.find((f) => f.path === real) : undefined;
  }
  if (!old) {
    const known = folders.map((f) => f.path).join(', ') || 'none';
    throw new AppError('not-found', `folder ${oldFolder} was never imported into this project (imported folders: ${known})`);
  }
  const walk = await walkFolder(newFolder, { signal: opts.signal });
  const newRoot = walk.root;

  // Hash every file of the new folder (read only, no decoding).
  const hashes = new Array<string | null>(walk.files.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < walk.files.length) {
      if (opts.signal?.aborted) throw new AppError('cancelled', `re-link of ${oldFolder} cancelled; nothing was changed`);
      const i = next++;
      try {
        hashes[i] = sha256Hex(await readImageFile(walk.files[i]!.absPath));
      } catch {
        hashes[i] = null;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(opts.concurrency ?? defaultConcurrency())) }, worker));

  const byRel = new Map<string, number>();
  const bySha = new Map<string, number[]>();
  walk.files.forEach((f, i) => {
    byRel.set(f.relPath, i);
    const h = hashes[i];
    if (h) bySha.set(h, [...(bySha.get(h) ?? []), i]);
  });
  const rows = store.listFolderImages(old.id);

  // Match: same relative path and content first, then content anywhere.
  const claimed = new Set<number>();
  const match = new Map<number, number>();
  for (const r of rows) {
    const i = byRel.get(r.relPath);
    if (i !== undefined && r.sha256 && hashes[i] === r.sha256) {
      match.set(r.id, i);
      claimed.add(i);
    }
  }
  for (const r of rows) {
    if (match.has(r.id) || !r.sha256) continue;
    const i = (bySha.get(r.sha256) ?? []).find((k) => !claimed.has(k));
    if (i !== undefined) {
      match.set(r.id, i);
      claimed.add(i);
    }
  }

  const target = store.listFolders().find((f) => f.path === newRoot);
  const notFound: string[] = [];
  const conflicts: string[] = [];
  const redecode: { id: ImageId; file: WalkedFile }[] = [];
  let relinked = 0;
  store.transaction(() => {
    let targetId = target?.id;
    if (targetId === undefined) {
      store.renameFolder(old.id, newRoot);
      targetId = old.id;
    }
    for (const r of rows) {
      const i = match.get(r.id);
      if (i === undefined) {
        notFound.push(r.relPath);
        continue;
      }
      const f = walk.files[i]!;
      const other = store.findImageByPath(f.absPath);
      if (other && other.id !== r.id) {
        conflicts.push(r.relPath);
        continue;
      }
      store.moveImage(r.id, targetId, f.relPath, f.absPath);
      if (r.status === 'missing') {
        if (r.hasModelInput) store.setImageStatus(r.id, 'ready', null);
        else redecode.push({ id: r.id, file: f });
      }
      relinked++;
    }
  });
  const { inputSize, colorMode } = store.settings;
  for (const { id, file } of redecode) {
    const r = await processFile(store, file, { inputSize, colorMode });
    if (r.kind === 'decoded') {
      const { sha256, sizeBytes, width, height, status, error, modelInput } = r;
      store.transaction(() => {
        store.updateImageContent(id, { sha256, sizeBytes, width, height, status, error, modelInput });
        if (sha256) store.refreshDuplicates(sha256);
      });
    }
  }
  return { folder: newRoot, relinked, notFound, conflicts };
}
