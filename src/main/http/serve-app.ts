/** `novelty-labeler serve` / `npm run serve`: the app in a local browser over the HTTP transport. */
import path from 'node:path';
import fs from 'node:fs';
import { LabelerService } from '../service/labeler-service.js';
import { startHttpTransport } from './http-transport.js';
import { demoFolder, packageRoot } from '../service/bundled-files.js';

export async function serveApp(o: { project?: string | undefined; port: number; dataDir: string }): Promise<void> {
  const staticDir = path.join(packageRoot(), 'dist', 'renderer');
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    process.stderr.write(`the app's pages are not built (${staticDir}); run "npm run build" first\n`);
    process.exitCode = 1;
    return;
  }
  const svc = await LabelerService.create({ dataDir: o.dataDir, demoFolder: demoFolder(), autoEvaluate: true });
  if (o.project) await svc.invoke('project:open', { path: o.project });
  const server = await startHttpTransport(svc, { port: o.port, staticDir });
  console.log(`Novelty Labeler is running at ${server.url}`);
  console.log('Open that address in a browser on this machine. Ctrl+C stops it.');
  const stop = (): void => {
    void server.close().finally(() => {
      svc.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
