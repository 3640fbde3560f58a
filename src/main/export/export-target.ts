/**
 * Where an export may write: the project's WriteGuard (src/main/io/guarded-write.ts,
 * the one writer of every output file) with the export's own wording.
 * A file export (csv, jsonl, coco and the .meta.json sidecar) is refused when
 * it is the project file or its -wal/-shm/-journal, an image of the project,
 * inside an imported folder, a symbolic link (or in a linked folder), a
 * folder, device, FIFO or socket, or an existing file without `overwrite`.
 * A folder export's folder is refused when it is a link, the project, an
 * imported folder or inside one (it must be new or empty: export-folder.ts).
 */
import type { ProjectStore } from '../store/project-store.js';
import { checkOutputDir, checkOutputFile as checkFile, guardOf, type WriteGuard } from '../io/guarded-write.js';

export { realPathOf } from '../io/guarded-write.js';

/** The guard of an export from `store`. */
export function exportGuard(store: ProjectStore, overwrite: boolean): WriteGuard {
  return guardOf(store, overwrite);
}

/**
 * Check that an export may write the file `file`.
 * @param what how the file is named in messages, e.g. "the csv export" or "the CSV's metadata sidecar"
 * @throws AppError('invalid-argument') naming the path and what to do
 */
export function checkOutputFile(store: ProjectStore, file: string, what: string, overwrite: boolean): void {
  checkFile(file, guardOf(store, overwrite), what);
}

/**
 * Check that a folder export may use `out` as its folder.
 * @throws AppError('invalid-argument') naming the folder and what to do
 */
export function checkOutputFolder(store: ProjectStore, out: string): void {
  checkOutputDir(out, guardOf(store, false), 'a folder export');
}
