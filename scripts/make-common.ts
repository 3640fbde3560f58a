/**
 * Shared helpers of the data-set scripts (make-demo-data.ts, make-redundant-pool.ts):
 * reading Fashion-MNIST IDX files, rotating a gray image clockwise onto a larger
 * canvas, and writing PNGs.
 *
 * Angle convention (DESIGN.md "angle"): degrees clockwise from image up of the
 * direction the object's front points. An upright Fashion-MNIST item has angle 0;
 * rotating it clockwise by a makes its label a.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';

/** Where the Debian package dataset-fashion-mnist installs the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class names, index = label (github.com/zalandoresearch/fashion-mnist), as folder names. */
export const FASHION_CLASSES = ['t-shirt-top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'] as const;

export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count x rows x cols uint8, row-major. */
  readonly data: Uint8Array;
}

function readMaybeGz(file: string): Buffer {
  const raw = fs.readFileSync(file);
  return raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
}

/**
 * Read an IDX3 image file (magic 0x00000803, big-endian counts; LeCun's MNIST format), gzipped or not.
 * @throws Error naming the file when the magic or the length is wrong.
 */
export function readIdxImages(file: string): IdxImages {
  const b = readMaybeGz(file);
  if (b.length < 16 || b.readUInt32BE(0) !== 0x00000803) throw new Error(`${file}: not an IDX3 uint8 image file`);
  const count = b.readUInt32BE(4);
  const rows = b.readUInt32BE(8);
  const cols = b.readUInt32BE(12);
  if (b.length !== 16 + count * rows * cols) throw new Error(`${file}: length ${b.length} does not match ${count}x${rows}x${cols}`);
  return { count, rows, cols, data: new Uint8Array(b.buffer, b.byteOffset + 16, count * rows * cols) };
}

/**
 * Read an IDX1 label file (magic 0x00000801).
 * @throws Error naming the file when the magic or the length is wrong.
 */
export function readIdxLabels(file: string): Uint8Array {
  const b = readMaybeGz(file);
  if (b.length < 8 || b.readUInt32BE(0) !== 0x00000801) throw new Error(`${file}: not an IDX1 label file`);
  const count = b.readUInt32BE(4);
  if (b.length !== 8 + count) throw new Error(`${file}: length ${b.length} does not match ${count} labels`);
  return new Uint8Array(b.buffer, b.byteOffset + 8, count);
}

/** The Fashion-MNIST training split (60,000 images, 28 x 28) with its labels. */
export function readFashionTrain(dir = FASHION_MNIST_DIR): { images: IdxImages; labels: Uint8Array } {
  if (!fs.existsSync(path.join(dir, 'train-images-idx3-ubyte.gz'))) {
    throw new Error(
      `Fashion-MNIST training split not found in ${dir}. This script needs the Debian package dataset-fashion-mnist: ` +
        'sudo apt-get install dataset-fashion-mnist (or download train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz ' +
        `from https://github.com/zalandoresearch/fashion-mnist into ${dir}).`,
    );
  }
  const images = readIdxImages(path.join(dir, 'train-images-idx3-ubyte.gz'));
  const labels = readIdxLabels(path.join(dir, 'train-labels-idx1-ubyte.gz'));
  if (labels.length !== images.count) throw new Error(`Fashion-MNIST: ${images.count} images but ${labels.length} labels`);
  return { images, labels };
}

/** Side of the square canvas that holds a w x h image rotated by any angle: ceil(sqrt(w^2 + h^2)). 28 x 28 -> 40. */
export function canvasSideFor(w: number, h: number): number {
  return Math.ceil(Math.hypot(w, h));
}

/**
 * Rotate a gray image CLOCKWISE (as displayed, y down) by `angleDeg` about its
 * centre onto a `side` x `side` black canvas with the same centre, by inverse
 * mapping with bilinear interpolation. A pixel at offset (dx, dy) from the
 * centre moves to (dx cos a - dy sin a, dx sin a + dy cos a): up (0, -1) goes
 * to right (1, 0) at a = 90.
 * @param src h x w uint8, row-major.
 * @returns side x side uint8, row-major.
 */
export function rotateClockwise(src: Uint8Array, w: number, h: number, angleDeg: number, side: number): Uint8Array {
  const out = new Uint8Array(side * side);
  const a = (angleDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const scx = (w - 1) / 2;
  const scy = (h - 1) / 2;
  const dc = (side - 1) / 2;
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : src[y * w + x]!);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const dx = x - dc;
      const dy = y - dc;
      // inverse of the clockwise rotation: rotate the output offset counter-clockwise
      const sx = scx + dx * c + dy * s;
      const sy = scy - dx * s + dy * c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue;
      const fx = sx - x0;
      const fy = sy - y0;
      const v = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
      out[y * side + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

/** Write a gray uint8 image as an 8-bit gray PNG (max compression, no metadata), creating the folder. */
export async function writeGrayPng(file: string, data: Uint8Array, width: number, height: number): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9, palette: false })
    .toFile(file);
}

/** Round to 2 decimals so the angle written in truth.csv is exactly the one applied. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Parse `--name value` options of a script's command line. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"; options are --name value`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`option ${a} needs a value`);
    m.set(a.slice(2), v);
    i++;
  }
  return m;
}
