/**
 * Import a folder of images into a project (docs/architecture.md, pipeline stage 1), and
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
 *      when there are any, else a seeded random share of the pool. The split
 *      already grows while the batches are written
 *      (ProjectStore.growTestSplitDuringImport), so labeling may start
 *      before the import ends; this step tops it up.
 *
 * What happens to each file (new, unchanged, changed, vanished; when an image
 * is re-linked or leaves its path) is in write-results.ts; re-linking a moved
 * folder is relink-folder.ts.
 */
import fs from 'node:fs';
import { AppError } from '../../shared/errors.js';
import { seededHashUnit } from '../../shared/random.js';
import type { FolderRole, ImportReport } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { walkFolder } from './walk-folder.js';
import { type FileResult, defaultConcurrency, isUnder, processFile } from './import-file.js';
import { createResultWriter } from './write-results.js';

export { relinkFolder, type RelinkReport } from './relink-folder.js';

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
    new AppError(
      'cancelled',
      `import of ${folder} cancelled after ${done} of ${total} files; the files written so far are kept, import the folder again to add the rest`,
    );

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

  const { writeOne, counts, unreadable, roleMismatch } = createResultWriter({ store, root, folderId, role, stamp, missingIds, problems });

  // Results are written in walk order: `results` holds the finished ones
  // until every earlier file has finished too.
  const results: (FileResult | undefined)[] = new Array(total);
  let nextToWrite = 0;
  let pending: FileResult[] = [];
  // The test split grows as the images are written (see growTestSplitDuringImport),
  // so the labeling view can show test images while the rest still imports.
  const expectedPool = store.poolSize() + total;
  let splitSeenId = store.lastImageId();
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    // One transaction with the split update: another connection (the service
    // serving the provisional queue) must never see a test image unmarked.
    store.transaction(() => {
      for (const r of batch) writeOne(r);
      splitSeenId = store.growTestSplitDuringImport(splitSeenId, folderId, role, expectedPool, seededHashUnit);
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
