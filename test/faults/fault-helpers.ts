/**
 * Helpers of the fault tests: the real CLI as a child process that can be
 * killed, an independent look into a project file (plain better-sqlite3,
 * read-only), and a small folder of real demo images.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import type { ProjectStatus } from '../../src/shared/types.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEMO_IMAGES = path.join(ROOT, 'assets/demo/images');

/** A fresh temp folder (real path, so paths stored by the import compare equal). */
export function tempRoot(prefix = 'nl-faults-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Copy the first `perClass` demo images of each class (sorted names) into `dest`/<class>/; returns the file count. */
export function copyDemoImages(dest: string, perClass: number): number {
  let n = 0;
  for (const cls of fs.readdirSync(DEMO_IMAGES).sort()) {
    const files = fs.readdirSync(path.join(DEMO_IMAGES, cls)).sort().slice(0, perClass);
    fs.mkdirSync(path.join(dest, cls), { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(DEMO_IMAGES, cls, f), path.join(dest, cls, f));
    n += files.length;
  }
  return n;
}

/** Environment of every CLI child of a test: its own app-data folder. */
export function cliEnv(root: string): Record<string, string> {
  return { NL_DATA_DIR: path.join(root, 'app-data'), NL_ANNOTATOR: 'fault-test' };
}

/** Run the CLI to completion and require exit code 0. */
export function cliOk(args: readonly string[], env: Record<string, string>): string {
  const r = runCli(args, env);
  if (r.code !== 0) throw new Error(`novelty-labeler ${args.join(' ')} exited ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export { runCli, type CliResult };

/** A child process with its output collected as it arrives. */
export interface Child {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the signal name or exit code. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Resolves when `test` holds on (stdout, stderr); rejects when the child exits first or after timeoutMs. */
  waitFor(test: (out: string, err: string) => boolean, timeoutMs?: number): Promise<void>;
  /** SIGKILL (kill -9) and wait for the exit. */
  kill9(): Promise<NodeJS.Signals | number | null>;
}

/** Spawn `node --import tsx SCRIPT ...args` from the repository root. */
export function spawnNode(script: string, args: readonly string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const checks = new Set<() => void>();
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const c of checks) c();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const c of checks) c();
  });
  // 'close' fires after both pipes are drained: every line the child wrote before it died has been read.
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('close', (code, signal) => resolve(signal ?? code)));
  let exitedNow = false;
  void exited.then(() => {
    exitedNow = true;
    for (const c of checks) c();
  });
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(test, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          checks.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
        }, timeoutMs);
        const check = (): void => {
          if (test(out, err)) {
            clearTimeout(timer);
            checks.delete(check);
            resolve();
          } else if (exitedNow) {
            clearTimeout(timer);
            checks.delete(check);
            reject(new Error(`child exited (${proc.exitCode ?? proc.signalCode}) before the awaited output\nstdout: ${out}\nstderr: ${err}`));
          }
        };
        checks.add(check);
        check();
      });
    },
    async kill9() {
      proc.kill('SIGKILL');
      return exited;
    },
  };
}

/** Spawn the real CLI (src/main/entry/cli.ts through tsx). */
export function spawnCli(args: readonly string[], env: Record<string, string>): Child {
  return spawnNode('src/main/entry/cli.ts', args, env);
}

/** Open a project file read-only with plain better-sqlite3 (not the product's store) and run fn. */
export function peek<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a project file, opened read-write as the app would after a crash (WAL recovery). */
export function integrityCheck(file: string): string {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Current (not undone) labels by image id: angle in degrees, or null for "no orientation". */
export function currentLabels(file: string): Map<number, number | null> {
  return peek(file, (db) => {
    const rows = db.prepare('SELECT image_id, angle_deg FROM labels WHERE undone_at IS NULL ORDER BY id').all() as {
      image_id: number;
      angle_deg: number | null;
    }[];
    return new Map(rows.map((r) => [r.image_id, r.angle_deg]));
  });
}

export function countRows(file: string, table: string): number {
  return peek(file, (db) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number);
}

export interface StatusJson {
  images: { ready: number; unreadable: number; missing: number; total: number };
  duplicates: number;
  labeled: number;
  testSplit: { size: number; labeled: number };
  embedding: { modelId: number | null; latentDim: number; backend: string | null; source: string; count: number } | null;
  order: { strategy: string; seed: number; length: number; remaining: number } | null;
  curve: unknown[];
}

export function statusJson(project: string, env: Record<string, string>): StatusJson {
  return JSON.parse(cliOk(['status', project, '--json'], env)) as StatusJson;
}

/** The project's status and queue read in this process (read-only store), faster than a CLI round trip. */
export function readProject(file: string, queueCount = 1000): { status: ProjectStatus; queue: number[] } {
  const store = ProjectStore.open(file, { readonly: true });
  try {
    return { status: store.status(), queue: store.queue(queueCount).map((q) => q.imageId) };
  } finally {
    store.close();
  }
}

/** The whole queue as `next --json` prints it. */
export function queueIds(project: string, env: Record<string, string>, count = 1000): number[] {
  const text = cliOk(['next', project, '--count', String(count), '--json'], env).trim();
  return text ? text.split('\n').map((l) => (JSON.parse(l) as { id: number }).id) : [];
}

/** The active embedding set: id, model id, and a digest of every vector (to prove they are untouched). */
export function activeEmbeddings(file: string): { setId: number; modelId: number | null; rows: number; digest: string } | null {
  return peek(file, (db) => {
    const set = db.prepare('SELECT id, model_id FROM embedding_sets WHERE active = 1').get() as { id: number; model_id: number | null } | undefined;
    if (!set) return null;
    const rows = db.prepare('SELECT image_id, vector FROM embeddings WHERE set_id = ? ORDER BY image_id').all(set.id) as { image_id: number; vector: Buffer }[];
    let h = 0;
    for (const r of rows) {
      h = (h * 31 + r.image_id) | 0;
      for (const b of r.vector) h = (h * 31 + b) | 0;
    }
    return { setId: set.id, modelId: set.model_id, rows: rows.length, digest: `${rows.length}:${h >>> 0}` };
  });
}

/** Run the CLI without blocking (several at once); resolves with its exit code and output. */
export async function runCliAsync(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawnCli(args, env);
  const code = await child.exited;
  return { code: typeof code === 'number' ? code : -1, stdout: child.stdout(), stderr: child.stderr() };
}

/** Run jobs with at most `limit` at a time; results in input order. */
export async function runLimited<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
