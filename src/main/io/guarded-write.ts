/**
 * The one writer of every file the product writes for the user (compare's
 * curve.csv / curve.svg and other outputs, every export format with its
 * .meta.json sidecar, the folder export's folder, demo outputs, bench output).
 *
 * Before anything is written, every target is checked against a WriteGuard;
 * a target is refused with AppError('invalid-argument') naming the path and
 * what to do when:
 * - it lies under /proc, /sys or /dev (user-path.ts);
 * - it is the project file or its SQLite -wal, -shm or -journal file (by real
 *   path, through '..', a symlinked folder, another letter case on macOS and
 *   Windows, and by device + inode, so a hard link is caught too);
 * - it is an image of the project, or lies inside an imported folder (the
 *   store indexes those files: an output there would be imported or replace one);
 * - it, or the folder it is written into, is a symbolic link (checked with
 *   lstat; the temp file is opened O_EXCL | O_NOFOLLOW);
 * - it exists and is a folder, device, FIFO or socket;
 * - it exists as a regular file and `overwrite` is not set.
 *
 * Then each file is written to a temp file beside it (exclusive create,
 * fsync), and only when every temp file of the batch is complete are they
 * moved into place: renamed over the target with `overwrite`, else
 * hard-linked to it (so a file created meanwhile is never replaced). On any
 * failure (ENOSPC included) every temp file is removed and the files this
 * batch created are unlinked again, so a failed write leaves nothing behind;
 * a full disk is reported as "disk full: N MB needed".
 *
 * Folders are created level by level from the deepest existing one
 * (makeDirs), never with fs.mkdirSync's recursive mode (which loops forever
 * under /proc).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';
import { type OutputFile, type WriteGuard, checkOutputFile, checkOutputDir, keyOf, lstatOrNull, makeDirs, realPathOfEntry, refuse } from './output-guard.js';

export { realPathOf } from './user-path.js';
export { checkOutputDir, checkOutputFile, guardOf, makeDirs } from './output-guard.js';
export type { GuardSource, OutputFile, WriteGuard } from './output-guard.js';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
}

/** Bytes of `data`. */
const sizeOf = (data: string | Uint8Array): number => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);

/** A write error as the user should see it: disk full with the size needed, else the file and the reason. */
export function writeFailure(e: unknown, file: string, bytesNeeded: number): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AppError') return err;
  if (err?.code === 'ENOSPC' || err?.code === 'EDQUOT') {
    const mb = Math.max(0.1, Math.ceil(bytesNeeded / 1e5) / 10);
    return new AppError(
      'invalid-file',
      `disk full: ${mb} MB needed to write ${file}; nothing was written: free some space (or give another --out) and run it again`,
      { cause: e },
    );
  }
  if (err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'EROFS') {
    return new AppError('invalid-file', `cannot write ${file} (${err.code}): give a folder you may write to; nothing was written`, { cause: e });
  }
  return new AppError('invalid-file', `writing ${file} failed (${err?.code ?? (e instanceof Error ? e.message : String(e))}); nothing was written`, {
    cause: e,
  });
}

/** Write `data` to a new temp file `tmp` (exclusive, no links followed) and fsync it. */
export function writeTempFile(tmp: string, data: string | Uint8Array): void {
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o644);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += fs.writeSync(fd, buf, off, buf.byteLength - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Move the finished temp file `tmp` to `file` (see the module doc). */
function place(tmp: string, file: string, overwrite: boolean): void {
  const st = lstatOrNull(file);
  if (st?.isSymbolicLink()) refuse(`${file} became a symbolic link while it was written; nothing was written through it`);
  if (overwrite) {
    if (st && !st.isFile()) refuse(`${file} is no longer a regular file; nothing was written`);
    fs.renameSync(tmp, file);
    return;
  }
  const exists = (): never =>
    refuse(`${file} already exists; give a new file name, or replace it with --overwrite (in the app: tick "Replace the output file")`);
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') exists();
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
    try {
      fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') exists();
      throw e2;
    }
  }
  fs.rmSync(tmp, { force: true });
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not every platform can fsync a folder (Windows); the files themselves are synced
  }
}

/**
 * Check and write a batch of files as one: all checks first, then every temp
 * file, then every move into place (see the module doc). Missing folders are
 * created (makeDirs) and removed again when the batch fails.
 * @throws AppError('invalid-argument') for a refused target; AppError('invalid-file')
 *   for a failed write ("disk full: N MB needed" on ENOSPC) - nothing is left behind
 */
export function writeOutputs(files: readonly OutputFile[], guard: WriteGuard): void {
  const seen = new Set<string>();
  for (const f of files) {
    const k = keyOf(realPathOfEntry(f.path));
    if (seen.has(k)) refuse(`${f.path} is given twice as an output`);
    seen.add(k);
    checkOutputFile(f.path, guard, f.what);
  }
  const total = files.reduce((s, f) => s + sizeOf(f.data), 0);
  const madeDirs: string[] = [];
  const temps: string[] = [];
  const placed: string[] = [];
  let current = files[0]?.path ?? '';
  try {
    for (const f of files) {
      current = path.resolve(f.path);
      const dir = path.dirname(current);
      for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) madeDirs.unshift(d);
      makeDirs(dir, f.what ?? 'the output file');
      const tmp = tempNameFor(current);
      temps.push(tmp);
      writeTempFile(tmp, f.data);
    }
    for (let i = 0; i < files.length; i++) {
      current = path.resolve(files[i]!.path);
      place(temps[i]!, current, guard.overwrite);
      if (!guard.overwrite) placed.push(current);
    }
    for (const d of new Set(files.map((f) => path.dirname(path.resolve(f.path))))) fsyncDir(d);
  } catch (e) {
    for (const t of temps) fs.rmSync(t, { force: true });
    // files this batch created exclusively are its own: take them back
    for (const p of placed) fs.rmSync(p, { force: true });
    for (const d of [...new Set(madeDirs)].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        // not empty or gone: leave it
      }
    }
    throw writeFailure(e, current, total);
  }
}

/** writeOutputs of one file. */
export function writeOutput(file: string, data: string | Uint8Array, guard: WriteGuard, what?: string): void {
  writeOutputs([{ path: file, data, ...(what !== undefined ? { what } : {}) }], guard);
}

/**
 * Fill a new folder `out` as one: `fill` writes into a hidden staging folder
 * beside `out`, which is renamed to `out` only when fill succeeded; on any
 * failure the staging folder (and any parent folders made for it) is removed,
 * so a failed run leaves nothing behind. `out` must be new or an empty folder
 * and pass checkOutputDir.
 * @param bytesNeeded estimate of the bytes written, for a "disk full" message
 * @throws AppError('invalid-argument') for a refused or non-empty `out`;
 *   AppError('invalid-file') for a failed write (disk full: N MB needed)
 */
export async function writeOutputDir<T>(out: string, guard: WriteGuard, what: string, bytesNeeded: number, fill: (stage: string) => Promise<T>): Promise<T> {
  checkOutputDir(out, guard, what);
  const abs = path.resolve(out);
  const existing = lstatOrNull(abs);
  if (existing && fs.readdirSync(abs).length > 0) refuse(`${abs} is not empty; ${what} never overwrites files: give a new or empty folder`);
  const parent = path.dirname(abs);
  const madeDirs: string[] = [];
  for (let d = parent; !fs.existsSync(d); d = path.dirname(d)) madeDirs.unshift(d);
  makeDirs(parent, what);
  const stage = path.join(parent, `.${path.basename(abs)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.mkdirSync(stage);
    const result = await fill(stage);
    try {
      // rename(2) replaces an empty folder on POSIX; elsewhere the empty folder is removed first
      fs.renameSync(stage, abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const nowEmpty = existing !== null && fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory() === true && fs.readdirSync(abs).length === 0;
      if (!nowEmpty || (code !== 'EPERM' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'EACCES')) {
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM')
          refuse(`${abs} was written to while ${what} ran; nothing was added to it: give a new or empty folder`);
        throw e;
      }
      fs.rmdirSync(abs);
      fs.renameSync(stage, abs);
    }
    fsyncDir(parent);
    return result;
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    for (const d of [...madeDirs].reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        // not empty or gone: leave it
      }
    }
    throw writeFailure(e, abs, bytesNeeded);
  }
}

/** Write a new file `file` inside a staging folder of writeOutputDir (exclusive, fsynced). */
export function writeNewFile(file: string, data: string | Uint8Array): void {
  writeTempFile(file, data);
}
