/**
 * Import speed (row "import"): import 2,000 real JPEG photographs
 * into a new project versus a bare sharp decode-and-resize loop over the same
 * files with the same concurrency (every core), in the same process.
 *
 * Ours: importFolder (src/main/import/import-folder.ts) with the project's
 * default settings (64 px gray model input): walk, read, SHA-256, sniff,
 * header check, EXIF orientation, letterbox resize, SQLite writes in
 * transactions, test split.
 * Bare reference (what a practitioner writes):
 *   await sharp(file).resize(64, 64, { fit: 'contain' }).greyscale().raw().toBuffer()
 * with `concurrency` of these in flight at once (default: every core, the
 * same number importFolder uses).
 *
 * The files are read once before timing (both sides then read from the page
 * cache); the two sides alternate for `reps` rounds and the best round of
 * each side is compared (the least disturbed by other processes; medians are
 * reported too). ratio = our images/s / bare images/s, goal >= 0.8. CPU time
 * per image (process.cpuUsage: every thread of the process, so libvips'
 * threads too) is reported for both sides: unlike wall time it hardly moves
 * when other processes load the machine.
 *
 * Usage: node --import tsx bench/import-speed.ts [--count 2000] [--reps 3]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ProjectStore } from '../src/main/store/project-store.js';
import { importFolder } from '../src/main/import/import-folder.js';
import { DEFAULT_SETTINGS } from '../src/shared/types.js';
import type { BenchResult } from './bench-types.js';
import { quantile, runAlone } from './bench-util.js';
import { realPhotoSet } from './real-photos.js';

const GOAL = 0.8;

function argNum(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : def;
}

/** importFolder's default concurrency: every core, at least 2. */
function everyCore(): number {
  return Math.max(2, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

interface Timed {
  readonly seconds: number;
  /** CPU seconds of the whole process (user + system, all threads). */
  readonly cpuSeconds: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<Timed & { value: T }> {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t) / 1000;
  const c = process.cpuUsage(c0);
  return { value, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

async function bareLoop(files: readonly string[], size: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++]!;
      await sharp(f).resize(size, size, { fit: 'contain' }).greyscale().raw().toBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function oursOnce(folder: string, concurrency: number): Promise<Timed & { ready: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-bench-import-'));
  try {
    const store = ProjectStore.create(path.join(dir, 'bench.nlproj'));
    const r = await timed(() => importFolder(store, folder, { concurrency }));
    store.close();
    return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, ready: r.value.ready };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult> {
  const count = argNum('count', 2000);
  const reps = Math.max(1, argNum('reps', 3));
  const concurrency = everyCore();
  const size = DEFAULT_SETTINGS.inputSize;
  const tMake = performance.now();
  const photos = await realPhotoSet(count);
  const makeSeconds = (performance.now() - tMake) / 1000;
  // Page cache warm-up: both sides read from memory.
  for (const f of photos.files) fs.readFileSync(f);
  await bareLoop(photos.files.slice(0, 20), size, concurrency); // sharp/libvips start-up

  const bare: Timed[] = [];
  const ours: Timed[] = [];
  let ready = 0;
  const load0 = os.loadavg()[0]!;
  for (let r = 0; r < reps; r++) {
    bare.push(await timed(() => bareLoop(photos.files, size, concurrency)));
    const o = await oursOnce(photos.folder, concurrency);
    ours.push(o);
    ready = o.ready;
  }
  const best = (xs: Timed[]): number => Math.min(...xs.map((x) => x.seconds));
  const median = (xs: Timed[]): number =>
    quantile(
      xs.map((x) => x.seconds),
      0.5,
    );
  const cpuPerImageMs = (xs: Timed[]): number =>
    (quantile(
      xs.map((x) => x.cpuSeconds),
      0.5,
    ) /
      count) *
    1000;
  const bareRate = count / best(bare);
  const oursRate = count / best(ours);
  const ratio = oursRate / bareRate;
  return {
    name: `import speed (${count.toLocaleString('en-US')} real JPEG photos)`,
    figures: {
      files: count,
      'megapixels total': photos.megapixels,
      'MB total': photos.bytes / 1e6,
      concurrency,
      'libvips threads': sharp.concurrency(),
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
      'ours images/s (best round)': oursRate,
      'bare sharp images/s (best round)': bareRate,
      'ours images/s (median)': count / median(ours),
      'bare sharp images/s (median)': count / median(bare),
      'ratio of medians': median(bare) / median(ours),
      'ours s (each round)': ours.map((x) => x.seconds.toFixed(2)).join(', '),
      'bare s (each round)': bare.map((x) => x.seconds.toFixed(2)).join(', '),
      'ours CPU ms per image (median)': cpuPerImageMs(ours),
      'bare CPU ms per image (median)': cpuPerImageMs(bare),
      'CPU ratio bare / ours': cpuPerImageMs(bare) / cpuPerImageMs(ours),
      'load average (1 min) before / after': `${load0.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)}`,
      'ours ready images': ready,
      'photo set build s (0 when cached)': makeSeconds,
      cores: os.availableParallelism(),
      sharp: sharp.versions.sharp ?? 'unknown',
      libvips: sharp.versions.vips,
    },
    ratio: {
      value: ratio,
      goal: GOAL,
      description: 'our import throughput / bare sharp decode-and-resize throughput (same files, same concurrency); goal at least',
    },
    reference: 'bare sharp decode-and-resize of the same files at the same concurrency (what a practitioner writes)',
    goal: `ours / bare throughput at least ${GOAL}, every file imported`,
    met: ratio >= GOAL && ready === count,
    notes: `${photos.provenance}. Best of ${reps} alternating rounds per side, files in the page cache. Ours includes SHA-256, header check, EXIF orientation, SQLite writes (WAL, synchronous=FULL) and the test split.`,
  };
}

runAlone(import.meta.url, run);
