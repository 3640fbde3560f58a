/**
 * Where an export may write, checked before anything is written, and the
 * writes themselves (temp file + rename, or an exclusive link when the file
 * must be new).
 *
 * An output file (csv, jsonl, coco, and the CSV's .meta.json sidecar) is
 * refused with AppError('invalid-argument') naming the path and what to do when:
 * - it is the project file or its SQLite -wal, -shm or -journal file (also
 *   through '..', a symlinked folder, another letter case on macOS/Windows, or
 *   a hard link to the project file);
 * - it is an image of the project, or lies inside an imported folder (whose
 *   files the project indexes: the export must not add to or replace them);
 * - it exists and is a symbolic link, a folder, a device, FIFO or socket -
 *   anything but a regular file;
 * - it exists as a regular file and `overwrite` is not given.
 * A folder export's folder is refused when it is, or lies inside, an imported
 * folder (it must be new or empty: export-folder.ts).
 * Paths are compared after resolving symbolic links of their existing part
 * (fs.realpathSync), case-insensitively on macOS and Windows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { ProjectStore } from '../store/project-store.js';

/** SQLite's side files of a database in WAL or rollback-journal mode. */
const PROJECT_SIDE_FILES = ['', '-wal', '-shm', '-journal'] as const;

const foldCase = process.platform === 'darwin' || process.platform === 'win32';
/** Comparison key of an absolute path on this platform. */
const keyOf = (p: string): string => (foldCase ? p.toLowerCase() : p);

/**
 * The real absolute path of `p`, which need not exist: fs.realpathSync of its
 * deepest existing ancestor, joined with the rest. `p` itself is resolved
 * too when it exists (so a symlink resolves to its target).
 */
export function realPathOf(p: string): string {
  let head = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...rest);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return path.resolve(p);
      rest.unshift(path.basename(head));
      head = parent;
    }
  }
}

/** The real path of `p`'s folder joined with p's own name (p itself is not followed when it is a link). */
function realPathOfEntry(p: string): string {
  const abs = path.resolve(p);
  return path.join(realPathOf(path.dirname(abs)), path.basename(abs));
}

const isInside = (child: string, parent: string): boolean => {
  const c = keyOf(child);
  const f = keyOf(parent);
  return c === f || c.startsWith(f.endsWith(path.sep) ? f : f + path.sep);
};

function refuse(message: string): never {
  throw new AppError('invalid-argument', message);
}

/** The imported folder that holds `real` (a real path), if any. */
function importedFolderHolding(store: ProjectStore, real: string): string | null {
  for (const f of store.listFolders()) {
    if (isInside(real, f.path) || isInside(real, realPathOf(f.path))) return f.path;
  }
  return null;
}

/**
 * Check that an export may write the file `file` (see the module doc).
 * @param what how the file is named in messages, e.g. "the csv export" or "the CSV's metadata sidecar"
 * @throws AppError('invalid-argument') naming the path and what to do
 */
export function checkOutputFile(store: ProjectStore, file: string, what: string, overwrite: boolean): void {
  const abs = path.resolve(file);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(abs);
  } catch {
    st = null;
  }
  const real = realPathOfEntry(abs);

  const project = realPathOf(store.path);
  for (const suffix of PROJECT_SIDE_FILES) {
    if (keyOf(real) === keyOf(project + suffix) || keyOf(abs) === keyOf(path.resolve(store.path) + suffix)) {
      refuse(`${abs} is the project file${suffix ? ` (its ${suffix.slice(1)} file)` : ''}; ${what} would destroy the project: give another --out file`);
    }
  }
  if (st?.isFile()) {
    for (const suffix of PROJECT_SIDE_FILES) {
      try {
        const p = fs.statSync(store.path + suffix);
        if (p.dev === st.dev && p.ino === st.ino) refuse(`${abs} is the project file${suffix ? ` (its ${suffix.slice(1)} file)` : ''} under another name; give another --out file`);
      } catch (e) {
        if ((e as AppError).name === 'AppError') throw e;
      }
    }
  }
  const images = new Set<string>();
  for (const img of store.listImages()) images.add(keyOf(img.path));
  if (images.has(keyOf(real)) || images.has(keyOf(abs))) {
    refuse(`${abs} is an image of the project; ${what} must not replace it: give an --out file outside the imported folders`);
  }
  const folder = importedFolderHolding(store, real);
  if (folder !== null) {
    refuse(`${abs} is inside the imported folder ${folder}; write ${what} outside the imported folders (a new file there would be taken for an image or replace one)`);
  }
  for (let dir = path.dirname(abs); ; dir = path.dirname(dir)) {
    const d = fs.statSync(dir, { throwIfNoEntry: false });
    if (d) {
      if (!d.isDirectory()) refuse(`${dir} is a file, so ${abs} cannot be created; give an --out path in a folder`);
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  if (st) {
    if (st.isSymbolicLink()) refuse(`${abs} is a symbolic link; ${what} does not write through links: give the path of a new regular file`);
    if (st.isDirectory()) refuse(`${abs} is a folder; give a file name for ${what}`);
    if (!st.isFile()) refuse(`${abs} is not a regular file (a device, FIFO or socket); give the path of a new regular file for ${what}`);
    if (!overwrite) refuse(`${abs} already exists; give a new file name for ${what}, or replace it with --overwrite (in the app: tick "Replace the output file")`);
  }
}

/**
 * Check that a folder export may use `out` as its folder: not an imported
 * folder nor inside one (emptiness is checked by export-folder.ts).
 * @throws AppError('invalid-argument') naming the folder and what to do
 */
export function checkOutputFolder(store: ProjectStore, out: string): void {
  const abs = path.resolve(out);
  const real = realPathOf(abs);
  const folder = importedFolderHolding(store, real);
  if (folder !== null) {
    refuse(
      `${abs} ${keyOf(real) === keyOf(realPathOf(folder)) || keyOf(abs) === keyOf(folder) ? 'is' : 'is inside'} the imported folder ${folder}; ` +
        'a folder export copies images, and copies inside an imported folder would be imported again: give a new folder outside the imported folders',
    );
  }
  const project = keyOf(realPathOf(store.path));
  if (PROJECT_SIDE_FILES.some((s) => keyOf(real) === project + keyOf(s))) refuse(`${abs} is the project file; give a new folder for the export`);
}

/**
 * Write `text` to `file` (creating its folder): into a temp file beside it,
 * then renamed over `file` when `overwrite`, else hard-linked to `file` so that
 * a file created meanwhile is never replaced (copied exclusively where the file
 * system has no hard links). The temp file is always removed.
 * @throws AppError('invalid-argument') when `file` appeared since the checks and overwrite is false
 */
export function writeOutputFile(file: string, text: string, overwrite: boolean): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    if (overwrite) {
      fs.renameSync(tmp, file);
      return;
    }
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') refuse(`${file} already exists; give a new file name, or replace it with --overwrite (in the app: tick "Replace the output file")`);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
      try {
        fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') refuse(`${file} already exists; give a new file name, or replace it with --overwrite (in the app: tick "Replace the output file")`);
        throw e2;
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
