/**
 * The project file on disk, before SQLite opens it: is it ours, and how a new
 * one is written so that a crash never leaves half a project.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { AppError } from '../../shared/errors.js';
import { APPLICATION_ID } from './schema.js';
import { writeTempFile } from '../io/guarded-write.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Remove `<project>.creating-<pid>` files (and any SQLite side files) left by a create whose process is gone. */
export function removeStaleCreations(project: string): void {
  const dir = nodePath.dirname(project);
  const prefix = `${nodePath.basename(project)}.creating-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)(-journal|-wal|-shm)?$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) fs.rmSync(nodePath.join(dir, name), { force: true });
  }
}

/**
 * Write a new project file from its bytes (temp file + fsync + hard link), so
 * a crash or kill -9 during creation never leaves a project without its
 * settings, nor a journal; never overwrites a file another process created
 * meanwhile.
 * @throws AppError('invalid-file') on a full disk, AppError('invalid-argument') otherwise.
 */
export function writeNewProjectFile(path: string, bytes: Buffer): void {
  const tmp = `${path}.creating-${process.pid}`;
  fs.rmSync(tmp, { force: true }); // this process's own leftover (a pid reused after a reboot)
  try {
    writeTempFile(tmp, bytes);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOSPC' ? 'invalid-file' : 'invalid-argument',
      code === 'ENOSPC'
        ? `disk full: cannot create the project ${path}; free some space and try again`
        : `cannot create the project ${path} (${(e as Error).message}); choose a folder you can write to`,
    );
  }
  try {
    fs.linkSync(tmp, path); // fails if another process created `path` meanwhile: never overwrite
    fs.rmSync(tmp, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') && !fs.existsSync(path)) {
      fs.renameSync(tmp, path); // file systems without hard links (FAT, exFAT)
    } else {
      fs.rmSync(tmp, { force: true });
      throw new AppError('invalid-argument', `${path} could not be created (${(e as Error).message}); choose another file name`);
    }
  }
}

/**
 * Check that a file is a Novelty Labeler project before opening it.
 * @throws AppError('not-a-project') naming the file when it is not SQLite or not ours.
 */
export function assertProjectFile(path: string): void {
  let fd: number;
  if (fs.existsSync(path) && !fs.statSync(path).isFile()) {
    throw new AppError('not-a-project', `${path} is a folder, not a project file; give the .nlproj file (create one with "novelty-labeler init")`);
  }
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new AppError(
      'not-found',
      `project file ${path} cannot be opened (${(e as Error).message}); check the path or create it with "novelty-labeler init ${path}"`,
    );
  }
  try {
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    if (n < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
      throw new AppError('not-a-project', `${path} is not a Novelty Labeler project (not an SQLite file); create a project with "novelty-labeler init"`);
    }
    const appId = head.readUInt32BE(68);
    if (appId !== APPLICATION_ID) {
      throw new AppError(
        'not-a-project',
        `${path} is an SQLite database of another application (application id 0x${appId.toString(16)}), not a Novelty Labeler project; open a .nlproj file made by Novelty Labeler, or create one with "novelty-labeler init"`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}
