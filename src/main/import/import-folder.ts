/**
 * Import a folder of images into a project (DESIGN.md pipeline stage 1), and
 * re-link a moved folder by content hash.
 *
 * importFolder:
 *   1. lists the folder (walkFolder: recursive, deterministic; symbolic links
 *      followed only when they stay inside the folder, the others reported
 *      in `problems`);
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
 *   5. updates the test split (ProjectStore.updateTestSplit with
 *      seededHashUnit): the images of folders imported with role 'test'
 *      when there are any, else a seeded random share of the pool.
 *
 * Per file outcome (the rule throughout: a label follows the pixels it was
 * given to, never the file path):
 * - new path -> inserted as ready or unreadable (with the decoder's reason);
 *   an exact duplicate of a ready image is flagged (duplicate_of) by
 *   ProjectStore.insertImage; but when an image with the same SHA-256 is
 *   "claimable" - its status is 'missing', its file is gone, or its file now
 *   holds other content - that image is re-linked to this path instead (its
 *   labels, model input, embeddings and queue entries kept);
 * - same path, same content, stored model input usable -> skipped; a stored
 *   model input that is missing or of the wrong size is decoded again;
 * - same path, same content, earlier unreadable or missing -> updated in place;
 * - same path, file that cannot be read or decoded any more (e.g. cut short)
 *   while the image holds a decoded content -> marked 'unreadable' with the
 *   reason; its SHA-256, size and model input (those of the last content that
 *   decoded) and its labels are kept, so restoring the file makes it ready
 *   again and evaluation skips it meanwhile (it is not 'ready');
 * - same path, new content (another SHA-256):
 *   - a claimable image has that SHA-256 -> the old record leaves the path
 *     (see below) and the claimable image is re-linked here: files swapped
 *     between two paths re-link both, whatever the walk order;
 *   - else, the old record has labels (any label row, undone ones included)
 *     -> it leaves the path and the new content is inserted as a new image:
 *     a new id, so the old record's embeddings and queue entries never apply
 *     to it (it is queued after the next embed and order);
 *   - else -> the old record is updated in place and its embeddings, queue
 *     entries and skip are dropped (ProjectStore.dropDerivedData), as they
 *     were computed from the old pixels; it is like a newly added image.
 *   A record that leaves the path keeps its SHA-256, labels, model input,
 *   embeddings and folder and becomes 'missing' under the path markers
 *   `<absolute path>#replaced-<id>` and `<relPath>#replaced-<id>` (never a
 *   listed file, as they do not end in an image extension; unique, as they
 *   hold the id; so exports and path keys never confuse it with the new
 *   image at that path). It is counted in `missing` (unless it was missing
 *   already) and re-linked when its content is imported again (this folder
 *   or another, or relinkFolder);
 * - vanished between listing and reading -> not added (or marked missing),
 *   never a crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError, isAppError } from '../../shared/errors.js';
import { seededHashUnit } from '../../shared/random.js';
import type { FolderRole, ImageId, ImageRecord, ImageStatus, ImportReport } from '../../shared/types.js';
import type { NewImage, ProjectStore } from '../store/project-store.js';
import { MAX_FILE_BYTES, decodeModelInputFromBuffer, readImageFile, sha256Hex } from '../imaging/model-input.js';
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
  /**
   * 'test': the folder's images are the test split (never queued; the random
   * split is then off: see ProjectStore.updateTestSplit). Omitted: a new
   * folder is a pool folder, a known one keeps the role it was imported with.
   */
  readonly role?: FolderRole;
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
  // Unchanged only when its stored model input is usable too (else decode it again).
  if (existing && existing.sha256 === sha256 && existing.status === 'ready' && hasUsableInput(store, existing.id, opts)) {
    return { kind: 'unchanged', file, existing };
  }
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

/** Bytes of a usable model input: inputSize^2 x channels (what getModelInputs accepts). */
function modelInputBytes(opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): number {
  return opts.inputSize * opts.inputSize * (opts.colorMode === 'rgb' ? 3 : 1);
}

function hasUsableInput(store: ProjectStore, id: ImageId, opts: { inputSize: number; colorMode: 'gray' | 'rgb' }): boolean {
  return store.modelInputLength(id) === modelInputBytes(opts);
}

/** Path marker (absolute or relative) of a record that left its path because the file there holds other content (see the module docstring). */
function replacedMarker(p: string, id: ImageId): string {
  return `${p}#replaced-${id}`;
}

/** What the file at a path holds now: gone, unknown (cannot be read), or the SHA-256 of its bytes. */
type FileNow = { readonly kind: 'gone' } | { readonly kind: 'unknown' } | { readonly kind: 'sha'; readonly sha256: string };

function readFileNow(p: string): FileNow {
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

function isUnder(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
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
 *   content), relinked (images re-linked here by SHA-256, labels kept),
 *   updated (same path: same content again, content replaced in place, or
 *   marked unreadable), missing (images newly marked missing: files gone,
 *   and records moved off a path whose file holds other content, minus
 *   those re-linked later in the same import), problems (unreadable
 *   subfolders, broken links, links pointing outside the folder, vanished files)
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
  const known = store.listFolders();
  const role: FolderRole = opts.role ?? known.find((f) => f.path === root)?.role ?? 'pool';
  // An image belongs to one folder row, so a test folder may not overlap a pool folder.
  // Compared by real path, so a link to a pool folder is no way to import it as a test folder.
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const realRoot = real(root);
  const clash = known.find((f) => {
    if (f.role === role) return false;
    const other = real(f.path);
    return other === realRoot || isUnder(other, realRoot) || isUnder(realRoot, other);
  });
  if (clash) {
    throw new AppError(
      'invalid-argument',
      `${root} overlaps ${clash.path}, imported as a ${clash.role} folder; a test folder (import --test) must be a separate folder, neither inside nor holding a pool folder`,
    );
  }
  const folderId = store.folderId(root, role);
  const problems: { path: string; error: string }[] = [...walk.problems];

  // Images of this folder whose files are gone.
  const listed = new Set(files.map((f) => f.absPath));
  // Images newly marked missing by this import (files gone, records that left
  // their path); an image re-linked later in this import leaves the set.
  const missingIds = new Set<number>();
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
          missingIds.add(img.id);
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

  const expectedBytes = modelInputBytes({ inputSize, colorMode });
  // SHA-256 of the files read by this import so far, by absolute path ('gone' for vanished ones).
  const seen = new Map<string, FileNow>();
  const fileNow = (p: string): FileNow => seen.get(p) ?? readFileNow(p);

  /** An image that may be re-linked to `here`: missing, its file gone, or its file holding other content now. */
  const claimable = (c: ImageRecord, here: string): boolean => {
    if (relinkedIds.has(c.id) || c.path === here) return false;
    if (c.status === 'missing') return true;
    const now = fileNow(c.path);
    return now.kind === 'gone' || (now.kind === 'sha' && now.sha256 !== c.sha256);
  };
  // Images this import adds are never claimable (their file is what was just read), so the
  // candidates of a content are the images that existed before it, checked once per content:
  // many identical files then import in linear time, not quadratic.
  const firstNewId = store.maxImageId() + 1;
  const candidatesBySha = new Map<string, ImageRecord[]>();
  const findClaimable = (sha256: string | null, here: string, not: ImageId | null): ImageRecord | undefined => {
    if (!sha256) return undefined;
    let list = candidatesBySha.get(sha256);
    if (!list) {
      list = store.findImagesBySha(sha256).filter((c) => c.id < firstNewId && (c.status === 'missing' || claimable(c, '')));
      candidatesBySha.set(sha256, list);
    }
    // An image keeps its role: a moved test folder re-imported as a pool folder (or the reverse) would
    // otherwise turn held-out images into training images, their labels with them.
    const found = list.find((c) => c.id !== not && claimable(c, here) && store.folderRoleOfImage(c.id) === role);
    if (!found && list.some((c) => c.id !== not && claimable(c, here))) roleMismatch.push(here);
    return found;
  };
  const roleMismatch: string[] = [];

  type Content = Omit<NewImage, 'folderId' | 'relPath' | 'absPath'>;
  /**
   * Write decoded content into an existing record. A failed decode never
   * destroys a decoded content: the record is only marked unreadable.
   * Returns false when nothing changed.
   */
  const applyContent = (img: ImageRecord, content: Content): boolean => {
    const keepsContent = content.status === 'unreadable' && (content.sha256 === null || (img.sha256 !== null && store.modelInputLength(img.id) === expectedBytes));
    if (keepsContent) {
      if (img.status === 'unreadable' && img.error === content.error) return false;
      store.setImageStatus(img.id, 'unreadable', content.error);
    } else {
      store.updateImageContent(img.id, content);
      if (content.sha256) store.refreshDuplicates(content.sha256);
    }
    if (img.sha256) store.refreshDuplicates(img.sha256);
    return true;
  };
  /** The record at a path whose file now holds other content leaves the path, as 'missing', keeping everything. */
  const leavePath = (img: ImageRecord): void => {
    store.setImagePaths(img.id, replacedMarker(img.relPath, img.id), replacedMarker(img.path, img.id));
    store.setImageStatus(
      img.id,
      'missing',
      `the content of ${img.path} changed (found when ${root} was imported on ${stamp}); this image keeps the earlier content (SHA-256 ${img.sha256 ?? 'unknown'}) and its labels, and is re-linked when a file with that content is imported`,
    );
    if (img.sha256) store.refreshDuplicates(img.sha256);
    if (img.status !== 'missing') missingIds.add(img.id);
  };
  const relink = (c: ImageRecord, f: WalkedFile, content: Content): void => {
    store.moveImage(c.id, folderId, f.relPath, f.absPath);
    applyContent({ ...c, path: f.absPath }, content);
    if (content.sha256) store.refreshDuplicates(content.sha256);
    relinkedIds.add(c.id);
    missingIds.delete(c.id); // moved, not gone
    counts.relinked++;
    if (content.status === 'ready') counts.ready++;
  };
  const insert = (f: WalkedFile, content: Content): void => {
    const id = store.insertImage({ folderId, relPath: f.relPath, absPath: f.absPath, ...content });
    counts.added++;
    if (content.status === 'ready') counts.ready++;
    if (store.getImage(id)?.duplicateOf != null) counts.duplicates++;
  };

  const writeOne = (r: FileResult): void => {
    const f = r.file;
    const current = store.findImageByPath(f.absPath);
    if (r.kind === 'unchanged') {
      if (current?.id === r.existing.id) {
        seen.set(f.absPath, { kind: 'sha', sha256: r.existing.sha256! });
        counts.skippedExisting++;
      } else {
        // Its record was re-linked elsewhere by this import: the file changed after it was read.
        problems.push({ path: f.absPath, error: 'file changed during the import; import the folder again' });
      }
      return;
    }
    if (r.kind === 'vanished') {
      seen.set(f.absPath, { kind: 'gone' });
      if (current && current.status !== 'missing') {
        store.setImageStatus(current.id, 'missing', `file vanished while ${root} was imported on ${stamp}`);
        missingIds.add(current.id);
      } else if (!current) {
        problems.push({ path: f.absPath, error: 'file vanished during the import' });
      }
      return;
    }
    seen.set(f.absPath, r.sha256 ? { kind: 'sha', sha256: r.sha256 } : { kind: 'unknown' });
    const content: Content = {
      sha256: r.sha256,
      sizeBytes: r.sizeBytes,
      width: r.width,
      height: r.height,
      status: r.status,
      error: r.error,
      modelInput: r.modelInput,
    };
    const reportUnreadable = (): void => {
      if (r.status === 'unreadable') unreadable.push({ path: f.absPath, error: r.error ?? 'unreadable' });
    };
    if (current) {
      const sameContent = r.sha256 === current.sha256;
      const keepsContent = r.status === 'unreadable' && (r.sha256 === null || (current.sha256 !== null && store.modelInputLength(current.id) === expectedBytes));
      if (sameContent || keepsContent || current.sha256 === null) {
        if (applyContent(current, content)) {
          counts.updated++;
          if (r.status === 'ready') counts.ready++;
          reportUnreadable();
        } else {
          counts.skippedExisting++;
        }
        return;
      }
      // New content at this path.
      reportUnreadable();
      const candidate = findClaimable(r.sha256, f.absPath, current.id);
      if (candidate) {
        leavePath(current);
        relink(candidate, f, content);
        return;
      }
      if (store.hasLabelHistory(current.id)) {
        leavePath(current);
        insert(f, content);
        return;
      }
      store.updateImageContent(current.id, content);
      store.dropDerivedData(current.id);
      store.refreshDuplicates(current.sha256);
      if (r.sha256) store.refreshDuplicates(r.sha256);
      counts.updated++;
      if (r.status === 'ready') counts.ready++;
      return;
    }
    // New path: an image with this content whose file is gone (or holds other content now) is re-linked here.
    reportUnreadable();
    const candidate = findClaimable(r.sha256, f.absPath, null);
    if (candidate) relink(candidate, f, content);
    else insert(f, content);
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
  const other = role === 'test' ? 'pool' : 'test';
  for (const p of roleMismatch) {
    problems.push({
      path: p,
      error: `has the content of a missing ${other}-folder image; that image keeps its role and its labels, and this file was added as a new ${role} image (an exact duplicate of it). To move a ${other} folder, import its new place ${other === 'test' ? 'with' : 'without'} --test: its images are then re-linked`,
    });
  }
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
    missing: missingIds.size,
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
 * Images that were 'missing' (or 'unreadable' while keeping the model input
 * of the content matched) become 'ready' again when a usable model input is
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
      if (r.status !== 'ready') {
        // Missing, or unreadable but holding the model input of this very content (matched by SHA-256).
        if (hasUsableInput(store, r.id, store.settings)) store.setImageStatus(r.id, 'ready', null);
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
