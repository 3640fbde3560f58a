/**
 * Test fixture: a folder of real rotated images (a class-balanced subset of
 * the bundled demo: Fashion-MNIST rotated by known angles) with its truth CSV.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_DIR = fileURLToPath(new URL('../../assets/demo/', import.meta.url));

export interface DemoSubset {
  readonly root: string;
  readonly images: string;
  readonly truthCsv: string;
  /** path relative to `images` -> angle in degrees (clockwise from up). */
  readonly truth: Map<string, number>;
}

export function makeDemoSubset(perClass: number, prefix = 'nl-subset-'): DemoSubset {
  const lines = fs.readFileSync(path.join(DEMO_DIR, 'truth.csv'), 'utf8').trim().split('\n').slice(1);
  const byClass = new Map<string, { rel: string; angle: number }[]>();
  for (const line of lines) {
    const [rel, angle] = line.split(',');
    const cls = rel!.split('/')[0]!;
    if (!byClass.has(cls)) byClass.set(cls, []);
    byClass.get(cls)!.push({ rel: rel!, angle: Number(angle) });
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const images = path.join(root, 'images');
  const truth = new Map<string, number>();
  for (const [cls, items] of [...byClass].sort()) {
    fs.mkdirSync(path.join(images, cls), { recursive: true });
    for (const it of items.slice(0, perClass)) {
      fs.copyFileSync(path.join(DEMO_DIR, 'images', it.rel), path.join(images, it.rel));
      truth.set(it.rel, it.angle);
    }
  }
  const truthCsv = path.join(root, 'truth.csv');
  fs.writeFileSync(truthCsv, `path,angle\n${[...truth].map(([p, a]) => `${p},${a}`).join('\n')}\n`);
  return { root, images, truthCsv, truth };
}
