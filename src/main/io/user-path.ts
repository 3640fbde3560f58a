/**
 * Paths the user gives (project files, image folders, --out, NL_DATA_DIR) are
 * checked here before any file system work: a path under /proc, /sys or /dev
 * (as written, after resolving '..', or after resolving the symbolic links of
 * its existing part) is refused at once. Those are kernel file systems, not
 * places for projects or outputs, and some calls loop forever there (Node's
 * recursive mkdir spins at 100 % CPU under /proc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../shared/errors.js';

/** Kernel file systems no user path may point into (Linux; harmless elsewhere). */
export const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'] as const;

/** Parts of a path realPathOf walks up at most: a bound, so no path makes it run long. */
const MAX_DEPTH = 4096;

/**
 * The real absolute path of `p`, which need not exist: fs.realpathSync of its
 * deepest existing ancestor, joined with the rest. `p` itself is resolved
 * too when it exists (so a symlink resolves to its target).
 */
export function realPathOf(p: string): string {
  let head = path.resolve(p);
  const rest: string[] = [];
  for (let i = 0; i < MAX_DEPTH; i++) {
    try {
      return path.join(fs.realpathSync(head), ...rest);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) break;
      rest.unshift(path.basename(head));
      head = parent;
    }
  }
  return path.resolve(p);
}

/** The system root holding `abs` (an absolute path), or null. */
function systemRootOf(abs: string): string | null {
  if (process.platform === 'win32') return null;
  for (const r of SYSTEM_ROOTS) if (abs === r || abs.startsWith(r + '/')) return r;
  return null;
}

/**
 * Check a path the user gave and return it absolute.
 * @param what how the path is named in messages, e.g. "the project file", "--out"
 * @throws AppError('invalid-argument') when it lies under /proc, /sys or /dev
 *   (as given or once its links are resolved), or is empty or holds a NUL byte
 */
export function checkUserPath(p: string, what: string): string {
  if (typeof p !== 'string' || p.trim() === '') throw new AppError('invalid-argument', `${what}: the path is empty; give a file or folder path`);
  if (p.includes('\0')) throw new AppError('invalid-argument', `${what}: the path holds a NUL character; give a plain file or folder path`);
  const abs = path.resolve(p);
  const root = systemRootOf(abs) ?? systemRootOf(realPathOf(abs));
  if (root !== null) {
    throw new AppError('invalid-argument', `${p} is under ${root}, a system folder of the operating system: not ${what}; give a path in your own folders`);
  }
  return abs;
}

/** Request fields that carry a path the user gave, and how messages name them. */
const PATH_FIELDS: Readonly<Record<string, string>> = {
  path: 'a project file',
  folder: 'an image folder',
  out: 'a place for an export',
  outDir: 'a place for compare outputs',
  truthFile: 'a truth file',
  fromFile: 'an embeddings file',
  file: 'a labels file',
};

/**
 * Check every path field of an API request (checkUserPath), so CLI, HTTP and
 * Electron requests are refused the same way before any file system work.
 * @throws AppError('invalid-argument') naming the path
 */
export function checkRequestPaths(request: unknown): void {
  if (request === null || typeof request !== 'object') return;
  for (const [key, what] of Object.entries(PATH_FIELDS)) {
    const v = (request as Record<string, unknown>)[key];
    if (typeof v === 'string') checkUserPath(v, what);
  }
}
