/**
 * Make a REDUNDANT pool: real images with heavy near-duplication and
 * in-class imbalance, the way video frames or a conveyor camera repeat a scene.
 *
 *   node --import tsx scripts/make-redundant-pool.ts --out DIR [--sources 300] [--max-repeat 50] [--seed 6]
 *
 * - Sources: `sources` Fashion-MNIST training images (MIT license), drawn with
 *   class weights proportional to 0.7^rank over a seeded class order (so a few
 *   classes dominate: in-class imbalance), training indices from a seeded shuffle.
 * - Repeats: each source appears r times, r drawn from a discrete power law
 *   P(r) proportional to r^-1.5 on 1..max-repeat (long-tailed: most appear a few
 *   times, some up to max-repeat times).
 * - Each copy has its own jitter: integer shift of -2..2 px in x and y, brightness
 *   gain in [0.8, 1.2], additive Gaussian noise (sd 8 grey levels) on the object
 *   (background stays black), and its own seeded random rotation in [0, 360),
 *   clockwise, 2 decimals, applied like the demo data (40 x 40 canvas, bilinear).
 * - An independent test (the paper's setting: the model should work across
 *   the whole variety, not weighted by how often the camera saw each object):
 *   `test-copies` (default 2) fresh copies of EVERY source, each with its own
 *   jitter and rotation drawn from another seeded stream, in DIR/test (import
 *   it with `import P.nlproj DIR/test --test`). 300 sources give 600 test
 *   images, every source equally weighted.
 * Writes DIR/images/<class>/<train index>-<copy>.png, DIR/test/<class>/<train
 * index>-t<copy>.png, DIR/truth.csv (path, angle, source: the training index
 * every copy of one object shares; pool and test rows) and DIR/sources.csv
 * (path, train_index, class, copy, repeats, dx, dy, gain, split).
 * Not bundled; deterministic for a seed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, seededShuffle } from '../src/shared/random.js';
import { FASHION_CLASSES, canvasSideFor, parseArgs, readFashionTrain, rotateClockwise, round2, writeGrayPng } from './make-common.js';

export interface PoolCopy {
  readonly relPath: string;
  readonly angle: number;
  readonly trainIndex: number;
  readonly classIndex: number;
  readonly copy: number;
  readonly repeats: number;
  readonly dx: number;
  readonly dy: number;
  readonly gain: number;
  readonly noiseSeed: number;
}

/** Inverse-CDF draw from P(r) proportional to r^-alpha on 1..max. */
export function drawPowerLaw(u: number, max: number, alpha = 1.5): number {
  let total = 0;
  for (let r = 1; r <= max; r++) total += r ** -alpha;
  let acc = 0;
  for (let r = 1; r <= max; r++) {
    acc += r ** -alpha / total;
    if (u < acc) return r;
  }
  return max;
}

/** Plan the pool (which sources, how many copies, each copy's jitter and angle); pure and seeded. */
export function planRedundantPool(labels: Uint8Array, sources: number, maxRepeat: number, seed: number): PoolCopy[] {
  const rnd = mulberry32(seed);
  const classOrder = seededShuffle(
    FASHION_CLASSES.map((_, c) => c),
    seed + 1,
  );
  const weights = classOrder.map((_, rank) => 0.7 ** rank);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const byClass: number[][] = FASHION_CLASSES.map(() => []);
  for (const i of seededShuffle(
    Array.from({ length: labels.length }, (_, i) => i),
    seed + 2,
  )) {
    byClass[labels[i]!]!.push(i);
  }
  const next = FASHION_CLASSES.map(() => 0);
  const out: PoolCopy[] = [];
  for (let s = 0; s < sources; s++) {
    let u = rnd() * wsum;
    let rank = 0;
    while (rank < weights.length - 1 && u >= weights[rank]!) u -= weights[rank++]!;
    const c = classOrder[rank]!;
    const trainIndex = byClass[c]![next[c]!++]!;
    const repeats = drawPowerLaw(rnd(), maxRepeat);
    for (let k = 0; k < repeats; k++) {
      out.push({
        relPath: `${FASHION_CLASSES[c]}/${String(trainIndex).padStart(5, '0')}-${String(k).padStart(2, '0')}.png`,
        angle: round2(rnd() * 360) % 360,
        trainIndex,
        classIndex: c,
        copy: k,
        repeats,
        dx: Math.floor(rnd() * 5) - 2,
        dy: Math.floor(rnd() * 5) - 2,
        gain: round2(0.8 + 0.4 * rnd()),
        noiseSeed: Math.floor(rnd() * 2 ** 31),
      });
    }
  }
  return out;
}

/**
 * Plan the independent test: `copies` fresh copies of every source of the
 * pool plan (in source order), each with its own jitter and angle from a
 * stream seeded apart from the pool's, so a test copy never repeats a pool
 * copy's pose. Paths `<class>/<train index>-t<k>.png` (distinct from the
 * pool's, so one truth file can name both).
 */
export function planIndependentTest(pool: readonly PoolCopy[], copies: number, seed: number): PoolCopy[] {
  const rnd = mulberry32((seed ^ 0x5eed7e57) >>> 0);
  const sources: PoolCopy[] = [];
  const seen = new Set<number>();
  for (const p of pool) {
    if (seen.has(p.trainIndex)) continue;
    seen.add(p.trainIndex);
    sources.push(p);
  }
  const out: PoolCopy[] = [];
  for (const src of sources) {
    for (let k = 0; k < copies; k++) {
      out.push({
        relPath: `${FASHION_CLASSES[src.classIndex]}/${String(src.trainIndex).padStart(5, '0')}-t${k}.png`,
        angle: round2(rnd() * 360) % 360,
        trainIndex: src.trainIndex,
        classIndex: src.classIndex,
        copy: k,
        repeats: src.repeats,
        dx: Math.floor(rnd() * 5) - 2,
        dy: Math.floor(rnd() * 5) - 2,
        gain: round2(0.8 + 0.4 * rnd()),
        noiseSeed: Math.floor(rnd() * 2 ** 31),
      });
    }
  }
  return out;
}

/** Apply shift, gain and Gaussian noise (Box-Muller, sd 8) to a w x h gray image; background (0) stays 0. */
export function jitter(src: Uint8Array, w: number, h: number, p: Pick<PoolCopy, 'dx' | 'dy' | 'gain' | 'noiseSeed'>): Uint8Array {
  const rnd = mulberry32(p.noiseSeed);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = x - p.dx;
      const sy = y - p.dy;
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      const v = src[sy * w + sx]!;
      if (v === 0) continue;
      const n = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd()) * 8;
      out[y * w + x] = Math.max(1, Math.min(255, Math.round(v * p.gain + n)));
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const outArg = args.get('out');
  if (!outArg) throw new Error('usage: make-redundant-pool.ts --out DIR [--sources 300] [--max-repeat 50] [--test-copies 2] [--seed 6]');
  const out = path.resolve(outArg);
  const sources = Number(args.get('sources') ?? 300);
  const maxRepeat = Number(args.get('max-repeat') ?? 50);
  const seed = Number(args.get('seed') ?? 6);
  const testCopies = Number(args.get('test-copies') ?? 2);
  if (!Number.isInteger(testCopies) || testCopies < 0) throw new Error(`--test-copies must be a whole number >= 0; got ${args.get('test-copies')}`);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new Error(`${out} is not empty; give a new folder`);
  const { images, labels } = readFashionTrain();
  const plan = planRedundantPool(labels, sources, maxRepeat, seed);
  const test = planIndependentTest(plan, testCopies, seed);
  const side = canvasSideFor(images.cols, images.rows);
  const per = images.rows * images.cols;
  let done = 0;
  const all = [...plan.map((p) => ({ p, dir: 'images' })), ...test.map((p) => ({ p, dir: 'test' }))];
  for (const { p, dir } of all) {
    const src = images.data.subarray(p.trainIndex * per, (p.trainIndex + 1) * per);
    const j = jitter(src, images.cols, images.rows, p);
    await writeGrayPng(path.join(out, dir, ...p.relPath.split('/')), rotateClockwise(j, images.cols, images.rows, p.angle, side), side, side);
    if (++done % 1000 === 0) process.stdout.write(`${done}/${all.length}\n`);
  }
  fs.writeFileSync(path.join(out, 'truth.csv'), ['path,angle,source', ...all.map(({ p }) => `${p.relPath},${p.angle},${p.trainIndex}`)].join('\n') + '\n');
  fs.writeFileSync(
    path.join(out, 'sources.csv'),
    [
      'path,train_index,class,copy,repeats,dx,dy,gain,split',
      ...all.map(
        ({ p, dir }) =>
          `${p.relPath},${p.trainIndex},${FASHION_CLASSES[p.classIndex]},${p.copy},${p.repeats},${p.dx},${p.dy},${p.gain},${dir === 'test' ? 'test' : 'pool'}`,
      ),
    ].join('\n') + '\n',
  );
  const perClass = FASHION_CLASSES.map((name, c) => `${name} ${plan.filter((p) => p.classIndex === c).length}`).join(', ');
  process.stdout.write(
    `wrote ${plan.length} images from ${sources} sources to ${out}/images (${perClass}) and ${test.length} test images (${testCopies} per source) to ${out}/test\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
