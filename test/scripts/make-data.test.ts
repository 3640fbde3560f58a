import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, FASHION_MNIST_DIR, canvasSideFor, readFashionTrain, rotateClockwise } from '../../scripts/make-common.js';
import { drawPowerLaw, jitter, planIndependentTest, planRedundantPool } from '../../scripts/make-redundant-pool.js';
import { DEMO_DEFAULTS, chooseDemoItems } from '../../scripts/make-demo-data.js';
import { circDiff, directionOf } from '../export/arrow-images.js';

/** 28 x 28: a bar from the centre straight up (an arrow pointing up). */
function upArrow(): Uint8Array {
  const a = new Uint8Array(28 * 28);
  for (let y = 2; y <= 13; y++) for (let x = 13; x <= 14; x++) a[y * 28 + x] = 255;
  for (let y = 2; y <= 5; y++) for (let x = 11; x <= 16; x++) a[y * 28 + x] = 255; // head
  return a;
}

const HAVE_FASHION = fs.existsSync(path.join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
if (!HAVE_FASHION) {
  console.warn(
    `skipping the 2 demo-reproduction tests: the full Fashion-MNIST training split is not in ${FASHION_MNIST_DIR} ` +
      '(sudo apt-get install dataset-fashion-mnist to run them)',
  );
}
const DEMO = path.resolve('assets/demo');

describe('rotateClockwise (demo data rotation)', () => {
  it('turns an arrow pointing up to point right at 90, down at 180, left at 270 and at 30 degrees at 30', () => {
    const src = upArrow();
    expect(circDiff(directionOf(src, 28, 28), 0)).toBeLessThan(1);
    for (const a of [90, 180, 270, 30, 211.5]) {
      const out = rotateClockwise(src, 28, 28, a, 40);
      expect(circDiff(directionOf(out, 40, 40), a)).toBeLessThan(1.5);
    }
    // 90: the bright pixels are right of centre, none left of it
    const r = rotateClockwise(src, 28, 28, 90, 40);
    let left = 0;
    for (let y = 0; y < 40; y++) for (let x = 0; x < 20; x++) left += r[y * 40 + x]! > 128 ? 1 : 0;
    expect(left).toBe(0);
  });

  it('agrees with sharp.rotate (clockwise for positive angles) on the direction', async () => {
    const src = upArrow();
    for (const a of [45, 120, 300]) {
      const { data, info } = await sharp(Buffer.from(src), { raw: { width: 28, height: 28, channels: 1 } })
        .rotate(a, { background: '#000000' })
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const viaSharp = directionOf(new Uint8Array(data), info.width, info.height);
      // sharp's enlarged canvas may put the centre half a pixel off: a few degrees on this small arrow
      expect(circDiff(viaSharp, a)).toBeLessThan(6);
    }
  });

  it('cuts nothing: a full white 28 x 28 square keeps its mass at 45 degrees on the 40 x 40 canvas', () => {
    expect(canvasSideFor(28, 28)).toBe(40);
    const sq = new Uint8Array(28 * 28).fill(255);
    const out = rotateClockwise(sq, 28, 28, 45, 40);
    const mass = out.reduce((s, v) => s + v, 0);
    expect(mass / (28 * 28 * 255)).toBeGreaterThan(0.99);
    expect(mass / (28 * 28 * 255)).toBeLessThan(1.01);
  });
});

describe('bundled demo data (assets/demo)', () => {
  const rows = fs
    .readFileSync(path.join(DEMO, 'truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [p, a] = l.split(',');
      return { path: p!, angle: Number(a) };
    });

  it('has 3,000 images, 300 per class, angles in [0, 360), provenance', () => {
    expect(rows).toHaveLength(3000);
    for (const c of FASHION_CLASSES) expect(rows.filter((r) => r.path.startsWith(`${c}/`))).toHaveLength(300);
    for (const r of rows) {
      expect(r.angle).toBeGreaterThanOrEqual(0);
      expect(r.angle).toBeLessThan(360);
    }
    expect(new Set(rows.map((r) => r.path)).size).toBe(3000);
    expect(fs.readdirSync(path.join(DEMO, 'images')).sort()).toEqual([...FASHION_CLASSES].sort());
    const prov = fs.readFileSync(path.join(DEMO, 'PROVENANCE.md'), 'utf8');
    expect(prov).toMatch(/Fashion-MNIST/);
    expect(prov).toMatch(/MIT/);
    expect(prov).toMatch(/clockwise/);
    expect(prov).toMatch(/scripts\/make-demo-data\.ts .*--seed \d+/);
  });

  it.skipIf(!HAVE_FASHION)('is reproduced by the script with its default seed (same items, angles and pixels)', async () => {
    const { images, labels } = readFashionTrain();
    const items = chooseDemoItems(labels, DEMO_DEFAULTS.perClass, DEMO_DEFAULTS.seed);
    expect(items.map((it) => `${it.relPath},${it.angle}`)).toEqual(rows.map((r) => `${r.path},${r.angle}`));
    for (const it of items.filter((_, i) => i % 500 === 3)) {
      const expected = rotateClockwise(images.data.subarray(it.trainIndex * 784, (it.trainIndex + 1) * 784), 28, 28, it.angle, 40);
      const { data } = await sharp(path.join(DEMO, 'images', it.relPath))
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(Buffer.from(data).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it.skipIf(!HAVE_FASHION)('each sampled image is its Fashion-MNIST source turned clockwise by its truth angle (checked with sharp)', async () => {
    const { images, labels } = readFashionTrain();
    let better = 0;
    const sample = rows.filter((_, i) => i % 150 === 7); // 20 images over all classes
    for (const r of sample) {
      const idx = Number(path.basename(r.path, '.png'));
      expect(FASHION_CLASSES[labels[idx]!]).toBe(r.path.split('/')[0]);
      const src = images.data.subarray(idx * 784, idx * 784 + 784);
      const file = path.join(DEMO, 'images', r.path);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height, meta.channels]).toEqual([40, 40, 1]);
      // undo the rotation with sharp (counter-clockwise = negative), take the centre 28 x 28 (best of shifts
      // -2..2 px, as sharp's enlarged canvas need not share our centre) and correlate with the source
      const corrFor = async (angle: number): Promise<number> => {
        const { data, info } = await sharp(file).rotate(angle, { background: '#000000' }).greyscale().raw().toBuffer({ resolveWithObject: true });
        let best = -1;
        for (let sy = -2; sy <= 2; sy++) {
          for (let sx = -2; sx <= 2; sx++) {
            const ox = Math.floor((info.width - 28) / 2) + sx;
            const oy = Math.floor((info.height - 28) / 2) + sy;
            const a: number[] = [];
            const b: number[] = [];
            for (let y = 0; y < 28; y++) {
              for (let x = 0; x < 28; x++) {
                const yy = y + oy;
                const xx = x + ox;
                a.push(yy >= 0 && xx >= 0 && yy < info.height && xx < info.width ? data[yy * info.width + xx]! : 0);
                b.push(src[y * 28 + x]!);
              }
            }
            const ma = a.reduce((s, v) => s + v, 0) / a.length;
            const mb = b.reduce((s, v) => s + v, 0) / b.length;
            let num = 0;
            let da = 0;
            let db = 0;
            for (let i = 0; i < a.length; i++) {
              num += (a[i]! - ma) * (b[i]! - mb);
              da += (a[i]! - ma) ** 2;
              db += (b[i]! - mb) ** 2;
            }
            best = Math.max(best, num / Math.sqrt(da * db));
          }
        }
        return best;
      };
      const right = await corrFor(-r.angle);
      const wrong = await corrFor(r.angle);
      expect(right).toBeGreaterThan(0.85);
      if (right > wrong) better++;
    }
    // turning the other way (the source rotated counter-clockwise) always matches worse
    expect(better).toBe(sample.length);
  });
});

describe('redundant pool plan', () => {
  it('draws repeats from the power law P(r) ~ r^-1.5 on 1..50', () => {
    const z = Array.from({ length: 50 }, (_, i) => (i + 1) ** -1.5).reduce((a, b) => a + b, 0);
    const n = 20000;
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const r = drawPowerLaw((i + 0.5) / n, 50);
      counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    expect(Math.min(...counts.keys())).toBe(1);
    expect(Math.max(...counts.keys())).toBe(50);
    expect(counts.get(1)! / n).toBeCloseTo(1 / z, 3);
    expect(counts.get(2)! / n).toBeCloseTo(2 ** -1.5 / z, 3);
  });

  it('repeats each source 1..50 times with its own angles and jitter, imbalanced over classes, deterministic', () => {
    // synthetic labels: 600 images per class
    const labels = Uint8Array.from({ length: 6000 }, (_, i) => i % 10);
    const plan = planRedundantPool(labels, 300, 50, 6);
    expect(planRedundantPool(labels, 300, 50, 6)).toEqual(plan);
    expect(planRedundantPool(labels, 300, 50, 7)).not.toEqual(plan);
    const bySource = new Map<number, typeof plan>();
    for (const p of plan) bySource.set(p.trainIndex, [...(bySource.get(p.trainIndex) ?? []), p]);
    expect(bySource.size).toBe(300);
    for (const copies of bySource.values()) {
      expect(copies.length).toBe(copies[0]!.repeats);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(50);
      expect(new Set(copies.map((c) => labels[c.trainIndex])).size).toBe(1);
    }
    const reps = [...bySource.values()].map((c) => c.length);
    expect(Math.max(...reps)).toBeGreaterThanOrEqual(30); // long tail
    expect(reps.filter((r) => r === 1).length).toBeGreaterThan(60); // many singletons
    for (const p of plan) {
      expect(p.angle).toBeGreaterThanOrEqual(0);
      expect(p.angle).toBeLessThan(360);
      expect(Math.abs(p.dx)).toBeLessThanOrEqual(2);
      expect(p.gain).toBeGreaterThanOrEqual(0.8);
      expect(p.gain).toBeLessThanOrEqual(1.2);
    }
    const perClass = Array.from({ length: 10 }, (_, c) => plan.filter((p) => p.classIndex === c).length);
    expect(Math.max(...perClass) / Math.max(1, Math.min(...perClass))).toBeGreaterThan(3);
    expect(new Set(plan.map((p) => p.relPath)).size).toBe(plan.length);
  });

  it('plans an independent test: fresh copies of every source, equally weighted, own poses, paths apart from the pool', () => {
    const labels = Uint8Array.from({ length: 6000 }, (_, i) => i % 10);
    const plan = planRedundantPool(labels, 300, 50, 6);
    const test = planIndependentTest(plan, 2, 6);
    expect(planIndependentTest(plan, 2, 6)).toEqual(test);
    expect(test.length).toBe(600);
    const perSource = new Map<number, number>();
    for (const t of test) perSource.set(t.trainIndex, (perSource.get(t.trainIndex) ?? 0) + 1);
    expect(new Set(perSource.keys())).toEqual(new Set(plan.map((p) => p.trainIndex)));
    expect([...perSource.values()].every((c) => c === 2)).toBe(true);
    const poolPaths = new Set(plan.map((p) => p.relPath));
    expect(test.some((t) => poolPaths.has(t.relPath))).toBe(false);
    expect(new Set(test.map((t) => t.relPath)).size).toBe(600);
    for (const t of test) {
      expect(labels[t.trainIndex]).toBe(t.classIndex);
      expect(t.angle).toBeGreaterThanOrEqual(0);
      expect(t.angle).toBeLessThan(360);
    }
    // Its own stream: the test copies' angles are not the pool's first copies' angles.
    const firstPoolAngle = new Map<number, number>();
    for (const p of plan) if (!firstPoolAngle.has(p.trainIndex)) firstPoolAngle.set(p.trainIndex, p.angle);
    expect(test.filter((t) => t.copy === 0 && t.angle === firstPoolAngle.get(t.trainIndex)).length).toBeLessThan(3);
  });

  it('jitter shifts, scales and adds noise on the object only', () => {
    const src = new Uint8Array(28 * 28);
    src[10 * 28 + 10] = 100;
    const out = jitter(src, 28, 28, { dx: 2, dy: -1, gain: 1.2, noiseSeed: 3 });
    expect(out[10 * 28 + 10]).toBe(0);
    expect(Math.abs(out[9 * 28 + 12]! - 120)).toBeLessThan(40); // 1.2 * 100 + N(0, 8)
    expect(out.reduce((s, v) => s + (v > 0 ? 1 : 0), 0)).toBe(1);
  });
});
