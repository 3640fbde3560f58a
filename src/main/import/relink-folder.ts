/**
 * Re-link a moved folder to its new place by content hash (see relinkFolder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ImageId } from '../../shared/types.js';
import type { ProjectStore } from '../store/project-store.js';
import { readImageFile, sha256Hex } from '../imaging/model-input.js';
import { walkFolder, type WalkedFile } from './walk-folder.js';
import { defaultConcurrency, hasUsableInput, processFile } from './import-file.js';

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
