/**
 * The checks every output of the product passes before anything is written
 * (guarded-write.ts does the writing). A target is refused with
 * AppError('invalid-argument') naming the path and what to do when:
 * - it lies under /proc, /sys or /dev (user-path.ts);
 * - it is the project file or its SQLite -wal, -shm or -journal file (by real
 *   path, through '..', a symlinked folder, another letter case on macOS and
 *   Windows, and by device + inode, so a hard link is caught too);
 * - it is an image of the project, or lies inside an imported folder (the
 *   store indexes those files: an output there would be imported or replace one);
 * - it, or the folder it is written into, is a symbolic link (checked with
 *   lstat);
 * - it exists and is a folder, device, FIFO or socket;
 * - it exists as a regular file and `overwrite` is not set.
 *
 * Folders are created level by level from the deepest existing one
 * (makeDirs), never with fs.mkdirSync's recursive mode (which loops forever
 * under /proc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import { checkUserPath, realPathOf } from './user-path.js';

/** SQLite's side files of a database in WAL or rollback-journal mode. */
const PROJECT_SIDE_FILES = ['', '-wal', '-shm', '-journal'] as const;

const foldCase = process.platform === 'darwin' || process.platform === 'win32';
/** Comparison key of an absolute path on this platform. */
export const keyOf = (p: string): string => (foldCase ? p.toLowerCase() : p);

/** What a write must never touch. */
export interface WriteGuard {
  /** The open project's file (its -wal/-shm/-journal are protected too), or null. */
  readonly projectPath: string | null;
  /** Imported folders (absolute): nothing is written inside them. */
  readonly importedFolders: readonly string[];
  /** Image files of the project (absolute), never replaced. */
  readonly imagePaths?: readonly string[];
  /** Replace an existing regular file (never a link, folder, the project or an image). */
  readonly overwrite: boolean;
}

/** What a store offers a guard (ProjectStore satisfies it). */
export interface GuardSource {
  readonly path: string;
  listFolders(): readonly { readonly path: string }[];
  listImages(): readonly { readonly path: string }[];
}

/** The guard of writes made for the project `store`. */
export function guardOf(store: GuardSource, overwrite: boolean): WriteGuard {
  return {
    projectPath: store.path,
    importedFolders: store.listFolders().map((f) => f.path),
    imagePaths: store.listImages().map((i) => i.path),
    overwrite,
  };
}

/** One file to write. */
export interface OutputFile {
  readonly path: string;
  readonly data: string | Uint8Array;
  /** How the file is named in messages, e.g. "the csv export"; default "the output file". */
  readonly what?: string;
}

/** The real path of `p`'s folder joined with p's own name (p itself is not followed when it is a link). */
export function realPathOfEntry(p: string): string {
  const abs = path.resolve(p);
  return path.join(realPathOf(path.dirname(abs)), path.basename(abs));
}

const isInside = (child: string, parent: string): boolean => {
  const c = keyOf(child);
  const f = keyOf(parent);
  return c === f || c.startsWith(f.endsWith(path.sep) ? f : f + path.sep);
};

export function refuse(message: string): never {
  throw new AppError('invalid-argument', message);
}

export const lstatOrNull = (p: string): fs.Stats | null => {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
};

/** The imported folder that holds `real` (a real path), if any. */
function importedFolderHolding(guard: WriteGuard, abs: string, real: string): string | null {
  for (const f of guard.importedFolders) {
    const fr = realPathOf(f);
    if (isInside(real, f) || isInside(real, fr) || isInside(abs, f)) return f;
  }
  return null;
}

/** Refuse `abs` when it is the project file or a side file of it, by path or by device + inode. */
function checkNotProject(guard: WriteGuard, abs: string, real: string, st: fs.Stats | null, what: string): void {
  if (guard.projectPath === null) return;
  const project = realPathOf(guard.projectPath);
  for (const suffix of PROJECT_SIDE_FILES) {
    const side = suffix ? ` (its ${suffix.slice(1)} file)` : '';
    if (keyOf(real) === keyOf(project + suffix) || keyOf(abs) === keyOf(path.resolve(guard.projectPath) + suffix)) {
      refuse(`${abs} is the project file${side}; ${what} would destroy the project: give another output path`);
    }
    if (st?.isSymbolicLink() && keyOf(realPathOf(abs)) === keyOf(project + suffix)) {
      refuse(`${abs} is a symbolic link to the project file${side}; ${what} would destroy the project: give another output path`);
    }
    if (st?.isFile()) {
      const p = fs.statSync(guard.projectPath + suffix, { throwIfNoEntry: false });
      if (p && p.dev === st.dev && p.ino === st.ino) refuse(`${abs} is the project file${side} under another name; give another output path`);
    }
  }
}

/**
 * Check a folder that outputs go into: not a system path, not a symbolic
 * link, not a file, not the project, not an imported folder nor inside one.
 * It need not exist.
 * @throws AppError('invalid-argument') naming the folder and what to do
 */
export function checkOutputDir(dir: string, guard: WriteGuard, what = 'the output folder'): void {
  const abs = checkUserPath(dir, what);
  const st = lstatOrNull(abs);
  if (st?.isSymbolicLink()) refuse(`${abs} is a symbolic link; ${what} is never written through links: give a real folder`);
  if (st && !st.isDirectory()) refuse(`${abs} is not a folder; give a folder for ${what}`);
  const real = realPathOf(abs);
  checkNotProject(guard, abs, real, null, what);
  const folder = importedFolderHolding(guard, abs, real);
  if (folder !== null) {
    const same = keyOf(real) === keyOf(realPathOf(folder)) || keyOf(abs) === keyOf(path.resolve(folder));
    refuse(
      `${abs} ${same ? 'is' : 'is inside'} the imported folder ${folder}; files written there would be taken for images or replace one: give ${what} outside the imported folders`,
    );
  }
  for (let d = path.dirname(abs); ; d = path.dirname(d)) {
    const s = fs.statSync(d, { throwIfNoEntry: false });
    if (s) {
      if (!s.isDirectory()) refuse(`${d} is a file, so ${abs} cannot be created; give ${what} in a folder`);
      break;
    }
    if (path.dirname(d) === d) break;
  }
}

/**
 * Check that `file` may be written (see the module doc).
 * @throws AppError('invalid-argument') naming the path and what to do
 */
export function checkOutputFile(file: string, guard: WriteGuard, what = 'the output file'): void {
  const abs = checkUserPath(file, what);
  const st = lstatOrNull(abs);
  const real = realPathOfEntry(abs);
  checkNotProject(guard, abs, real, st, what);
  if (guard.imagePaths) {
    const images = new Set(guard.imagePaths.map(keyOf));
    if (images.has(keyOf(real)) || images.has(keyOf(abs)))
      refuse(`${abs} is an image of the project; ${what} must not replace it: give a path outside the imported folders`);
  }
  const folder = importedFolderHolding(guard, abs, real);
  if (folder !== null) {
    refuse(
      `${abs} is inside the imported folder ${folder}; write ${what} outside the imported folders (a new file there would be taken for an image or replace one)`,
    );
  }
  const parent = lstatOrNull(path.dirname(abs));
  if (parent?.isSymbolicLink()) refuse(`${path.dirname(abs)} is a symbolic link; ${what} is never written through links: give a path in a real folder`);
  for (let d = path.dirname(abs); ; d = path.dirname(d)) {
    const s = fs.statSync(d, { throwIfNoEntry: false });
    if (s) {
      if (!s.isDirectory()) refuse(`${d} is a file, so ${abs} cannot be created; give a path in a folder`);
      break;
    }
    if (path.dirname(d) === d) break;
  }
  if (st) {
    if (st.isSymbolicLink()) refuse(`${abs} is a symbolic link; ${what} is never written through links: give the path of a new regular file`);
    if (st.isDirectory()) refuse(`${abs} is a folder; give a file name for ${what}`);
    if (!st.isFile()) refuse(`${abs} is not a regular file (a device, FIFO or socket); give the path of a new regular file for ${what}`);
    if (!guard.overwrite)
      refuse(`${abs} already exists; give a new file name for ${what}, or replace it with --overwrite (in the app: tick "Replace the output file")`);
  }
}

/** Deepest levels makeDirs creates in one call: a bound, so no path can make it run long. */
const MAX_NEW_LEVELS = 64;

/**
 * Create `dir` and its missing parents, one level at a time from the deepest
 * existing ancestor (never fs.mkdirSync's recursive mode, which spins under
 * /proc); refuses system paths first.
 * @throws AppError('invalid-argument') when a level cannot be made, naming it and why
 */
export function makeDirs(dir: string, what = 'the folder'): void {
  const abs = checkUserPath(dir, what);
  const missing: string[] = [];
  let d = abs;
  for (;;) {
    const s = fs.statSync(d, { throwIfNoEntry: false });
    if (s) {
      if (!s.isDirectory()) refuse(`${d} is a file, so ${abs} cannot be created; give another path for ${what}`);
      break;
    }
    missing.push(d);
    if (missing.length > MAX_NEW_LEVELS) refuse(`${abs} would need more than ${MAX_NEW_LEVELS} new folders; give a shorter path for ${what}`);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST' && fs.statSync(m, { throwIfNoEntry: false })?.isDirectory()) continue;
      refuse(`cannot create the folder ${m} for ${what} (${err.code ?? err.message}); give a folder you may write to`);
    }
  }
}
