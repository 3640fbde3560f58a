/**
 * Make the bundled demo data set (assets/demo) from Fashion-MNIST (MIT license,
 * Debian package dataset-fashion-mnist).
 *
 *   node --import tsx scripts/make-demo-data.ts [--out assets/demo] [--per-class 300] [--seed 20261129]
 *
 * Takes `per-class` training images of each of the 10 classes (a seeded shuffle
 * of the 60,000 training indices, first ones of each class), rotates each
 * CLOCKWISE by its own seeded random angle in [0, 360) (2 decimals) onto a
 * 40 x 40 black canvas (28 * sqrt(2) = 39.6, so no pixel is cut), and writes
 *   OUT/images/<class>/<train index, 5 digits>.png   8-bit gray PNG
 *   OUT/truth.csv      path (relative to OUT/images), angle (degrees, clockwise from up)
 *   OUT/PROVENANCE.md  source, license, script, seed, convention
 * Deterministic: same seed, same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32, seededShuffle } from '../src/shared/random.js';
import { FASHION_CLASSES, FASHION_MNIST_DIR, canvasSideFor, parseArgs, readFashionTrain, rotateClockwise, round2, writeGrayPng } from './make-common.js';

export const DEMO_DEFAULTS = { perClass: 300, seed: 20261129 } as const;

export interface DemoItem {
  /** Path relative to OUT/images, '/'-separated. */
  readonly relPath: string;
  readonly angle: number;
  readonly trainIndex: number;
  readonly classIndex: number;
}

/**
 * Choose the demo items: `perClass` per class from a seeded shuffle of the
 * training indices, each with a seeded angle in [0, 360) rounded to 0.01
 * (360 after rounding becomes 0). Sorted by class, then training index.
 */
export function chooseDemoItems(labels: Uint8Array, perClass: number, seed: number): DemoItem[] {
  const order = seededShuffle(
    Array.from({ length: labels.length }, (_, i) => i),
    seed,
  );
  const taken: number[][] = FASHION_CLASSES.map(() => []);
  for (const i of order) {
    const c = labels[i]!;
    if (taken[c]!.length < perClass) taken[c]!.push(i);
  }
  const rnd = mulberry32(seed ^ 0x5bd1e995);
  const items: DemoItem[] = [];
  taken.forEach((list, c) => {
    if (list.length < perClass) throw new Error(`class ${FASHION_CLASSES[c]} has only ${list.length} images`);
    for (const i of list.sort((a, b) => a - b)) {
      const angle = round2(rnd() * 360) % 360;
      items.push({ relPath: `${FASHION_CLASSES[c]}/${String(i).padStart(5, '0')}.png`, angle, trainIndex: i, classIndex: c });
    }
  });
  return items;
}

export function provenanceText(opts: { perClass: number; seed: number; count: number; side: number }): string {
  return `# Demo data: provenance

**Source.** Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, "Fashion-MNIST: a Novel Image
Dataset for Benchmarking Machine Learning Algorithms", arXiv:1708.07747),
https://github.com/zalandoresearch/fashion-mnist, training split
(\`train-images-idx3-ubyte.gz\`, \`train-labels-idx1-ubyte.gz\`), as installed by the Debian
package \`dataset-fashion-mnist\` (0.0~git20200523.55506a9-1) in \`${FASHION_MNIST_DIR}\`.

**License.** MIT (Expat). Copyright 2017 Zalando SE. Permission is hereby granted, free of
charge, to any person obtaining a copy of this software and associated documentation files
(the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do so, subject
to the following conditions: The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED
"AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.

**How it was made.** \`node --import tsx scripts/make-demo-data.ts --per-class ${opts.perClass} --seed ${opts.seed}\`
(helpers in \`scripts/make-common.ts\`). ${opts.count} images, ${opts.perClass} per class (10 classes),
chosen by a seeded shuffle (mulberry32, seed ${opts.seed}) of the 60,000 training indices. Each
28 x 28 image is rotated **clockwise** by its own seeded random angle in [0, 360) (rounded to
0.01 degree; the rounded value is the one applied) about its centre, with bilinear
interpolation, onto a ${opts.side} x ${opts.side} black canvas (28 * sqrt(2) = 39.6 px, so nothing is
cut), and saved as an 8-bit gray PNG.

**Files.** \`images/<class>/<training index>.png\`; \`truth.csv\` with columns \`path\` (relative to
\`images/\`, '/'-separated) and \`angle\`.

**Angle convention.** Degrees in [0, 360), clockwise from image up, of the direction the
object's front points (DESIGN.md). An upright Fashion-MNIST item (as stored in the data set)
has angle 0; the file rotated clockwise by a has label a (an item whose top pointed up now
points right at a = 90). Not axial.
`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = path.resolve(args.get('out') ?? 'assets/demo');
  const perClass = Number(args.get('per-class') ?? DEMO_DEFAULTS.perClass);
  const seed = Number(args.get('seed') ?? DEMO_DEFAULTS.seed);
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error('--per-class must be a positive integer');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

  const { images, labels } = readFashionTrain();
  const items = chooseDemoItems(labels, perClass, seed);
  const side = canvasSideFor(images.cols, images.rows);
  const per = images.rows * images.cols;

  fs.rmSync(path.join(out, 'images'), { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  let done = 0;
  for (const it of items) {
    const src = images.data.subarray(it.trainIndex * per, (it.trainIndex + 1) * per);
    const rotated = rotateClockwise(src, images.cols, images.rows, it.angle, side);
    await writeGrayPng(path.join(out, 'images', ...it.relPath.split('/')), rotated, side, side);
    if (++done % 500 === 0) process.stdout.write(`${done}/${items.length}\n`);
  }
  const csv = ['path,angle', ...items.map((it) => `${it.relPath},${it.angle}`)].join('\n') + '\n';
  fs.writeFileSync(path.join(out, 'truth.csv'), csv);
  fs.writeFileSync(path.join(out, 'PROVENANCE.md'), provenanceText({ perClass, seed, count: items.length, side }));
  process.stdout.write(`wrote ${items.length} images, truth.csv and PROVENANCE.md to ${out}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
