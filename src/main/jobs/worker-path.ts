/**
 * Locate a worker script next to the calling module, both when running from
 * compiled JavaScript (dist/) and from TypeScript sources under tsx/vitest.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Start a worker thread for `relativeModule` (without extension), resolved
 * against `fromUrl` (the caller's import.meta.url). From a .ts caller the
 * worker is the .ts file, loaded through tsx; from .js the compiled .js file.
 */
export function startWorker(fromUrl: string, relativeModule: string, options: WorkerOptions = {}): Worker {
  const fromTs = fromUrl.endsWith('.ts');
  const url = new URL(`${relativeModule}${fromTs ? '.ts' : '.js'}`, fromUrl);
  const execArgv = fromTs ? [...(options.execArgv ?? []), '--import', 'tsx'] : options.execArgv;
  return new Worker(url, { ...options, ...(execArgv ? { execArgv } : {}) });
}
