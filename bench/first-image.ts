/**
 * From a folder to labeling (`npm run bench -- first`): the calls the app's
 * create form makes (project:create, images:import, embed:run, order:run),
 * then the first queue image's display bytes, in one service as the app runs
 * it, on a folder of 500 demo images copied to a temporary directory. Reports
 * the seconds to the first image shown (which is already the novelty queue's
 * first pick) with each step, for the default embedder and, for comparison,
 * the autoencoder. Goal: a few seconds with the default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabelerService } from '../src/main/service/labeler-service.js';
import type { EmbedderKind } from '../src/shared/types.js';
import type { BenchResult } from './bench-types.js';

const DEMO = fileURLToPath(new URL('../assets/demo/images/', import.meta.url));
const N = 500;

function copyDemo(dir: string): void {
  const files: string[] = [];
  for (const cls of fs.readdirSync(DEMO).sort()) for (const f of fs.readdirSync(path.join(DEMO, cls)).sort()) files.push(path.join(cls, f));
  // every sixth file: 500 images over every class
  for (const rel of files.filter((_, i) => i % 6 === 0).slice(0, N)) {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.copyFileSync(path.join(DEMO, rel), path.join(dir, rel));
  }
}

async function once(embedder: EmbedderKind): Promise<Record<string, number>> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-first-image-'));
  try {
    const images = path.join(tmp, 'images');
    copyDemo(images);
    const svc = await LabelerService.create({ dataDir: path.join(tmp, 'data'), annotator: 'bench' });
    try {
      const t0 = performance.now();
      const lap = (() => {
        let last = t0;
        return (): number => {
          const now = performance.now();
          const s = (now - last) / 1000;
          last = now;
          return s;
        };
      })();
      await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj'), settings: { embedder } });
      const create = lap();
      await svc.invoke('images:import', { folder: images });
      const imp = lap();
      await svc.invoke('embed:run', {});
      const embed = lap();
      await svc.invoke('order:run', {});
      const order = lap();
      const [first] = await svc.invoke('queue:next', { count: 1 });
      const bytes = first ? await svc.imageBytes(first.imageId) : null;
      if (!bytes) throw new Error('no first image');
      const show = lap();
      return {
        'create s': create,
        'import s': imp,
        'embed s': embed,
        'order s': order,
        'first image bytes s': show,
        'total s': (performance.now() - t0) / 1000,
      };
    } finally {
      svc.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const load = `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`;
  const out: BenchResult[] = [];
  for (const embedder of ['polar-fourier', 'autoencoder'] as const) {
    const f = await once(embedder);
    out.push({
      name: `folder to first image, ${N} images, ${embedder} embedder${embedder === 'polar-fourier' ? ' (default)' : ''}`,
      figures: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, +v.toFixed(2)])),
      ...(embedder === 'polar-fourier' ? { met: f['total s']! < 10 } : {}),
      notes: `create, import, embed, order, first queue image's display bytes, in one service in this process (the calls the app's create form makes); ${load}.`,
    });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) for (const r of await run()) console.log(JSON.stringify(r, null, 2));
