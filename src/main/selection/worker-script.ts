/**
 * Starts a worker script of this folder so it runs both from the .ts sources
 * (vitest, tsx) and from the compiled .js in dist.
 *
 * From .ts the worker is started from a tiny eval bootstrap that registers tsx's
 * ESM hooks (tsx/esm/api `register()`) and then imports the .ts file. (Passing
 * execArgv ['--import', 'tsx'] to the Worker does not work on Node 20.20: the
 * worker's entry .ts is resolved before the hooks apply, giving
 * ERR_UNKNOWN_FILE_EXTENSION.) From .js the compiled file is started directly,
 * so tsx (a devDependency) is never needed in a packaged app.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function startSelectionWorker(name: string, options: WorkerOptions): Worker {
  const here = import.meta.url;
  const isTs = /\.[cm]?ts$/.test(new URL(here).pathname);
  const url = new URL(`./${name}${isTs ? '.ts' : '.js'}`, here);
  if (!isTs) return new Worker(url, options);
  const require = createRequire(here);
  const api = pathToFileURL(path.join(path.dirname(require.resolve('tsx/esm/api')), 'index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
