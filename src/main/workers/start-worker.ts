/**
 * The one way a worker thread is started, from the TypeScript sources (tsx,
 * vitest) and from the compiled JavaScript in dist alike.
 *
 * From .js the compiled worker file is started directly, so tsx (a
 * devDependency) is never needed in a packaged app. From .ts the worker is a
 * tiny eval bootstrap that registers tsx's ESM hooks (tsx/esm/api
 * `register()`) and then imports the .ts file: passing execArgv ['--import',
 * 'tsx'] to the Worker does not work on Node 20.20 (the entry .ts is resolved
 * before the hooks apply: ERR_UNKNOWN_FILE_EXTENSION). tsx is resolved from
 * this file, not from the working folder, so any working folder works.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Start the worker module `relativeModule` (a path without extension, e.g.
 * './compute-worker'), resolved against `fromUrl` (the caller's import.meta.url).
 */
export function startWorker(fromUrl: string, relativeModule: string, options: WorkerOptions = {}): Worker {
  const isTs = /\.[cm]?ts$/.test(new URL(fromUrl).pathname);
  const url = new URL(`${relativeModule}${isTs ? '.ts' : '.js'}`, fromUrl);
  if (!isTs) return new Worker(url, options);
  const require = createRequire(import.meta.url);
  const api = pathToFileURL(path.join(path.dirname(require.resolve('tsx/esm/api')), 'index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
