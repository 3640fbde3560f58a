/**
 * Locate a worker script next to the calling module, both when running from
 * compiled JavaScript (dist/) and from TypeScript sources under tsx/vitest.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Start a worker thread for `relativeModule` (without extension), resolved
 * against `fromUrl` (the caller's import.meta.url). From compiled .js the
 * worker is the compiled .js file; from a .ts caller (development, tests) a
 * tiny bootstrap registers tsx in the new thread and imports the .ts file.
 */
export function startWorker(fromUrl: string, relativeModule: string, options: WorkerOptions = {}): Worker {
  if (!fromUrl.endsWith('.ts')) return new Worker(new URL(`${relativeModule}.js`, fromUrl), options);
  const url = new URL(`${relativeModule}.ts`, fromUrl).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
