/**
 * From a folder to labeling (`npm run bench -- first`), as the app's setup
 * runs it: project:create, then images:import, embed:run and order:run in
 * turn, while the labeling view asks queue:upcoming every 50 ms until an image
 * comes (test images and the provisional queue are served while the folder
 * imports) and shows it (its display bytes). From then on an annotator labels
 * one image every LABEL_EVERY_MS (label:set with `next`, the view's one
 * request per label) until the novelty order is active. Reported per folder:
 * seconds from "Create" to the first image shown and to the novelty queue
 * (order:changed), each step's seconds, the label latency while the steps run
 * (p50, p95, max), and that every label made meanwhile is still in the project
 * and out of the novelty queue at the end.
 *
 * Folders: 500 demo images (every sixth file of assets/demo), and 100,000
 * synthetic 32 x 32 PNGs (bench/synthetic-folder.ts, made once under
 * bench-output/). Default settings (polar Fourier embedder, probcover order).
 * Goal: the first image within a few seconds at both sizes.
 *
 * Direct use: node --import tsx bench/first-image.ts [--n 500|100000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabelerService } from '../src/main/service/labeler-service.js';
import type { NextUp } from '../src/shared/api.js';
import type { ImageId } from '../src/shared/types.js';
import type { Degrees } from '../src/shared/angle.js';
import type { BenchResult } from './bench-types.js';
import { quantile } from './bench-util.js';
import { syntheticFolder } from './synthetic-folder.js';

const DEMO = fileURLToPath(new URL('../assets/demo/images/', import.meta.url));
const SMALL = 500;
const LARGE = 100_000;
const FIRST_IMAGE_GOAL_S = 5;
/** An annotator's pace while the setup runs (one label per second is fast for orientation labels). */
const LABEL_EVERY_MS = 1000;

function copyDemo(dir: string, n: number): void {
  const files: string[] = [];
  for (const cls of fs.readdirSync(DEMO).sort()) for (const f of fs.readdirSync(path.join(DEMO, cls)).sort()) files.push(path.join(cls, f));
  // every sixth file: n images over every class
  for (const rel of files.filter((_, i) => i % 6 === 0).slice(0, n)) {
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.copyFileSync(path.join(DEMO, rel), path.join(dir, rel));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Timeline {
  readonly figures: Record<string, number>;
  readonly labelsKept: boolean;
}

async function once(folder: string, tmp: string, n: number): Promise<Timeline> {
  const svc = await LabelerService.create({ dataDir: path.join(tmp, 'data'), annotator: 'bench', autoEvaluate: true });
  try {
    const t0 = performance.now();
    const since = (): number => (performance.now() - t0) / 1000;
    await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj'), settings: {} });
    const steps: Record<string, number> = { 'create s': since() };
    let noveltyAt: number | null = null;
    const off = svc.onEvent((event) => {
      if (event === 'order:changed') noveltyAt ??= since();
    });
    // the app's setup, step after step
    const setup = (async () => {
      let t = since();
      await svc.invoke('images:import', { folder });
      steps['import s'] = since() - t;
      t = since();
      await svc.invoke('embed:run', {});
      steps['embed s'] = since() - t;
      t = since();
      await svc.invoke('order:run', {});
      steps['order s'] = since() - t;
    })();
    let failed: unknown = null;
    setup.catch((e: unknown) => {
      failed = e;
    });

    // the labeling view: ask until an image comes, then show it
    let first: NextUp['upcoming'][number] | undefined;
    while (!first) {
      if (failed) throw failed;
      const nu = await svc.invoke('queue:upcoming', { showing: [], count: 2 });
      first = nu.upcoming[0];
      if (!first) await sleep(50);
    }
    const bytes = await svc.imageBytes(first.entry.imageId);
    if (!bytes) throw new Error('the first image has no display bytes');
    const firstImageS = since();

    // label at an annotator's pace until the novelty order is active
    const latencies: number[] = [];
    const labeled: ImageId[] = [];
    let shown = first.entry.imageId;
    let provisionalQueueLabels = 0;
    while (noveltyAt === null && !failed) {
      await sleep(LABEL_EVERY_MS);
      if (noveltyAt !== null) break;
      const t = performance.now();
      const r = await svc.invoke('label:set', { imageId: shown, angle: ((labeled.length * 37) % 360) as Degrees, next: { showing: [], count: 2 } });
      latencies.push(performance.now() - t);
      labeled.push(shown);
      if (r.arm !== 'test') provisionalQueueLabels++;
      const next = r.next?.upcoming[0];
      if (!next) break;
      shown = next.entry.imageId;
    }
    await setup;
    off();
    const total = since();
    // every label is still there, and none of their images is in the novelty queue
    const stored = new Set(svc.project.currentLabels().map((l) => l.imageId));
    const queued = new Set(svc.project.queue(labeled.length + 50).map((q) => q.imageId));
    const labelsKept = labeled.every((id) => stored.has(id) && !queued.has(id));
    return {
      figures: {
        images: n,
        'first image shown s': firstImageS,
        'novelty queue s': noveltyAt ?? total,
        ...steps,
        'labels made before the novelty queue': labeled.length,
        'of them provisional-queue labels': provisionalQueueLabels,
        'label latency p50 ms': latencies.length ? quantile(latencies, 0.5) : 0,
        'label latency p95 ms': latencies.length ? quantile(latencies, 0.95) : 0,
        'label latency max ms': latencies.length ? Math.max(...latencies) : 0,
      },
      labelsKept,
    };
  } finally {
    svc.close();
  }
}

async function atSize(n: number): Promise<BenchResult> {
  const load0 = os.loadavg()[0]!;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-first-image-'));
  try {
    let folder: string;
    if (n <= SMALL) {
      folder = path.join(tmp, 'images');
      copyDemo(folder, n);
    } else {
      folder = syntheticFolder(n).folder;
    }
    const { figures, labelsKept } = await once(folder, tmp, n);
    const met = figures['first image shown s']! <= FIRST_IMAGE_GOAL_S && labelsKept;
    return {
      name: `folder to first image and to the novelty queue, ${n.toLocaleString('en-US')} images`,
      figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, +v.toFixed(k.endsWith('ms') ? 1 : 2)])),
      reference: "none: the figure is the annotator's wait itself (before, labeling waited for the whole setup)",
      goal: `first image shown within ${FIRST_IMAGE_GOAL_S} s at 500 and 100,000 images; every label made before the novelty order kept`,
      met,
      notes:
        `create, then import, embed (polar Fourier) and order (probcover) as the app's setup runs them, while the labeling view asks for an image every 50 ms ` +
        `and then labels one every ${LABEL_EVERY_MS} ms until the novelty order is active; every such label kept and out of the novelty queue: ${labelsKept}; ` +
        `goal: first image within ${FIRST_IMAGE_GOAL_S} s; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end, ${os.cpus().length} cores.`,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  return [await atSize(SMALL), await atSize(LARGE)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const i = process.argv.indexOf('--n');
  const sizes = i >= 0 ? [Number(process.argv[i + 1])] : [SMALL, LARGE];
  for (const n of sizes) console.log(JSON.stringify(await atSize(n), null, 2));
}
