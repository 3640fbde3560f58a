/**
 * The benchmarks' large folder: n distinct 32 x 32 gray PNGs (a seeded
 * gradient, a block and noise), 1,000 per subfolder, written once under
 * bench-output/large-project-<n>/ and reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../src/shared/random.js';
import { encodePng, GRAY } from '../test/import/png-writer.js';
import { benchOutputDir } from './bench-util.js';

const PER_FOLDER = 1000;
const SIDE = 32;

/** 32 x 32 gray image number i: a seeded gradient, a block and noise (all distinct). */
function syntheticImage(i: number): Buffer {
  const r = mulberry32(0x9e3779b1 ^ (i * 2654435761));
  const px = new Uint8Array(SIDE * SIDE);
  const a = r() * 2 * Math.PI;
  const gx = Math.cos(a) * 4;
  const gy = Math.sin(a) * 4;
  const base = 40 + r() * 100;
  const bx = Math.floor(r() * 24);
  const by = Math.floor(r() * 24);
  const bw = 4 + Math.floor(r() * 8);
  const bh = 4 + Math.floor(r() * 8);
  const bv = r() * 255;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let v = base + gx * (x - 16) + gy * (y - 16) + (r() - 0.5) * 24;
      if (x >= bx && x < bx + bw && y >= by && y < by + bh) v = bv;
      px[y * SIDE + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return encodePng(SIDE, SIDE, GRAY, 8, px);
}

/** The cached folder of n synthetic PNGs (made on first use). */
export function syntheticFolder(n: number): { folder: string; madeSeconds: number } {
  const root = benchOutputDir(`large-project-${n}`);
  const folder = path.join(root, 'images');
  const done = path.join(root, 'complete.json');
  if (fs.existsSync(done)) return { folder, madeSeconds: 0 };
  const t = performance.now();
  fs.rmSync(folder, { recursive: true, force: true });
  for (let i = 0; i < n; i++) {
    const sub = path.join(folder, `d${String(Math.floor(i / PER_FOLDER)).padStart(3, '0')}`);
    if (i % PER_FOLDER === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `img-${String(i).padStart(6, '0')}.png`), syntheticImage(i));
  }
  fs.writeFileSync(done, JSON.stringify({ n, side: SIDE, madeAt: new Date().toISOString() }));
  return { folder, madeSeconds: (performance.now() - t) / 1000 };
}
