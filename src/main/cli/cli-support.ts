/** What every CLI command shares: the app data folder, argument parsers, and a project opened in a fresh service. */
import { InvalidArgumentError } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, type BackendChoice, type JobId, type JobProgress } from '../../shared/types.js';
import { LabelerService } from '../service/labeler-service.js';
import { demoFolder } from '../service/bundled-files.js';
import { checkUserPath } from '../service/user-paths.js';
import { ProgressPrinter } from './progress-printer.js';

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/** Where the app keeps its own state (recent projects), overridable with NL_DATA_DIR. */
export function dataDir(): string {
  const fromEnv = process.env.NL_DATA_DIR?.trim();
  if (fromEnv) return checkUserPath(fromEnv, 'a place for app data (NL_DATA_DIR)');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'novelty-labeler');
}

/**
 * Strategies `compare` and `demo` run by default: the paper's fps, the random baseline and the project
 * default strategy (DEFAULT_SETTINGS.strategy, chosen from the evidence in README "Which strategy saves labels").
 */
export const DEFAULT_COMPARE_STRATEGIES = [...new Set(['fps', 'random', DEFAULT_SETTINGS.strategy])].join(',');

export function int(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}; got "${v}"`);
    return n;
  };
}

export function fraction(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 0.9) throw new InvalidArgumentError(`must be a number from 0 to 0.9; got "${v}"`);
  return n;
}

export function sizeList(v: string): number[] {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out = parts.map((s) => Number(s));
  if (out.length === 0 || out.some((n, i) => !/^\d+$/.test(parts[i]!) || n < 1)) {
    throw new InvalidArgumentError(`must be a comma-separated list of positive whole numbers, e.g. 25,50,100; got "${v}"`);
  }
  return out;
}

/** Open a project in a fresh service, run fn, close. Progress goes to stderr; Ctrl+C cancels the running job. */
export async function withProject<T>(
  projectPath: string,
  fn: (svc: LabelerService, printer: ProgressPrinter) => Promise<T>,
  opts: { backend?: BackendChoice; quiet?: boolean } = {},
): Promise<T> {
  const svc = await LabelerService.create({ dataDir: dataDir(), demoFolder: demoFolder(), ...(opts.backend ? { backend: opts.backend } : {}) });
  const printer = new ProgressPrinter(process.stderr, opts.quiet ?? false);
  const running = new Set<string>();
  let interrupted = false;
  const cancel = (id: string): void => void svc.invoke('job:cancel', { jobId: id as JobId }).catch(() => undefined);
  svc.onEvent((event, payload) => {
    if (event === 'job:progress') {
      const p = payload as JobProgress;
      // a job that starts after Ctrl+C is cancelled at once: it never commits
      if (interrupted && !running.has(p.jobId)) cancel(p.jobId);
      running.add(p.jobId);
      printer.update(p);
    }
  });
  const onSigint = (): void => {
    interrupted = true;
    process.exitCode = 130;
    printer.line('interrupted: cancelling; the project keeps everything committed so far');
    for (const id of running) cancel(id);
    setTimeout(() => process.exit(130), 4000).unref();
  };
  process.once('SIGINT', onSigint);
  try {
    await svc.invoke('project:open', { path: projectPath });
    return await fn(svc, printer);
  } finally {
    process.removeListener('SIGINT', onSigint);
    svc.close();
  }
}
