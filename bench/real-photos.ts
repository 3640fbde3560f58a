/**
 * Real JPEG photographs for the import benchmark, made without a network at
 * benchmark time from photographs Debian ships: the "nature" set of the
 * `mate-backgrounds` package (/usr/share/backgrounds/mate/nature/*.jpg, 12
 * camera photographs, 1280 x 1024 to 2560 x 1920: water drop, leaves, dune
 * grass, flowers, ladybird, storm, wood).
 *
 * Source lookup: the installed package, else a copy unpacked earlier into
 * bench-output/debs/, else `apt-get download mate-backgrounds` (Debian's own
 * client, the one network step, done once) unpacked with `dpkg -x`.
 *
 * Tiles: `count` different crops at several sizes (640 x 480 up to
 * 2560 x 1600, landscape and portrait), each from a seeded random place of a
 * photo, some downscaled first so the same photo gives tiles at different
 * scales, saved as baseline 4:2:0 JPEG at quality 80-95 (what cameras and
 * phones write). Cached under bench-output/real-photos-<count>/ with a
 * manifest; later runs reuse them.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '../src/shared/random.js';
import { benchOutputDir } from './bench-util.js';

const PACKAGE = 'mate-backgrounds';
const PHOTO_SUBDIR = 'usr/share/backgrounds/mate/nature';

export interface PhotoSet {
  /** Folder holding the tiles (only the tiles: import it as is). */
  readonly folder: string;
  /** Absolute paths of the tiles, sorted. */
  readonly files: readonly string[];
  /** Total bytes and megapixels of the tiles. */
  readonly bytes: number;
  readonly megapixels: number;
  /** Where the photographs came from, for the benchmark's notes. */
  readonly provenance: string;
}

function packageVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', PACKAGE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** Folder of the source photographs, unpacking the Debian package into bench-output/debs when it is not installed. */
export function findSourcePhotos(): { dir: string; version: string } {
  const installed = path.join('/', PHOTO_SUBDIR);
  const v = packageVersion();
  if (v && fs.existsSync(installed)) return { dir: installed, version: v };
  const debs = benchOutputDir('debs');
  const unpacked = path.join(debs, PACKAGE);
  const stamp = path.join(unpacked, 'VERSION');
  if (!fs.existsSync(stamp)) {
    let deb = fs.readdirSync(debs).find((f) => f.startsWith(`${PACKAGE}_`) && f.endsWith('.deb'));
    if (!deb) {
      try {
        execFileSync('apt-get', ['download', PACKAGE], { cwd: debs, stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        throw new Error(
          `the import benchmark needs the photographs of the Debian package ${PACKAGE}; "apt-get download ${PACKAGE}" failed (${(e as Error).message.split('\n')[0]}). Install it ("apt-get install ${PACKAGE}") or put its .deb in ${debs}`,
        );
      }
      deb = fs.readdirSync(debs).find((f) => f.startsWith(`${PACKAGE}_`) && f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${PACKAGE} wrote no .deb into ${debs}`);
    }
    fs.rmSync(unpacked, { recursive: true, force: true });
    execFileSync('dpkg', ['-x', path.join(debs, deb), unpacked]);
    const version = execFileSync('dpkg-deb', ['-f', path.join(debs, deb), 'Version'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(stamp, version);
  }
  return { dir: path.join(unpacked, PHOTO_SUBDIR), version: fs.readFileSync(stamp, 'utf8').trim() };
}

/** Tile sizes (width x height, px): 4:3, 3:2, 16:9, 16:10, landscape and portrait. */
const SIZES: readonly (readonly [number, number])[] = [
  [640, 480],
  [800, 600],
  [1024, 768],
  [1200, 800],
  [1280, 960],
  [1600, 1200],
  [1920, 1080],
  [2048, 1536],
  [2560, 1600],
  [480, 640],
  [768, 1024],
  [1080, 1440],
];

/**
 * Make (or reuse) `count` JPEG tiles cut from the Debian photographs.
 * @param count number of JPEG files (default 2000)
 * @param seed tiles are a deterministic function of (count, seed, source photos)
 */
export async function realPhotoSet(count = 2000, seed = 7): Promise<PhotoSet> {
  const src = findSourcePhotos();
  const photos = fs
    .readdirSync(src.dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => path.join(src.dir, f));
  if (photos.length === 0) throw new Error(`no JPEG photographs in ${src.dir}`);
  const provenance =
    `${count} JPEG tiles (640x480 to 2560x1600, quality 80-95, 4:2:0) cut at seeded random places and scales from the ${photos.length} ` +
    `photographs of Debian package ${PACKAGE} ${src.version} (${src.dir}: ${photos.map((p) => path.basename(p)).join(', ')})`;
  const folder = benchOutputDir(`real-photos-${count}-s${seed}`);
  const manifestFile = path.join(folder, '..', `real-photos-${count}-s${seed}.json`);
  if (fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files: string[]; bytes: number; megapixels: number };
    const files = m.files.map((f) => path.join(folder, f));
    if (files.length === count && files.every((f) => fs.existsSync(f))) {
      return { folder, files, bytes: m.bytes, megapixels: m.megapixels, provenance };
    }
  }
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const rand = mulberry32(seed);
  const plan = Array.from({ length: count }, (_, i) => {
    const photo = i % photos.length;
    const [w, h] = SIZES[Math.floor(rand() * SIZES.length)]!;
    return { i, photo, w, h, scale: 0.55 + 0.45 * rand(), x: rand(), y: rand(), quality: 80 + Math.floor(rand() * 16) };
  });
  let bytes = 0;
  let pixels = 0;
  const names: string[] = [];
  for (let p = 0; p < photos.length; p++) {
    const { data, info } = await sharp(photos[p]!).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const mine = plan.filter((t) => t.photo === p);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < mine.length) {
        const t = mine[next++]!;
        // Scale the photo so the tile fits, then by a random factor (different detail per tile).
        const fit = Math.min(1, info.width / t.w, info.height / t.h);
        const tw = Math.max(64, Math.floor(t.w * fit));
        const th = Math.max(64, Math.floor(t.h * fit));
        const s = Math.max(tw / info.width, th / info.height, t.scale);
        const sw = Math.max(tw, Math.round(info.width * s));
        const sh = Math.max(th, Math.round(info.height * s));
        const left = Math.floor(t.x * (sw - tw));
        const top = Math.floor(t.y * (sh - th));
        const name = `photo-${String(t.i).padStart(5, '0')}.jpg`;
        const out = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
          .resize(sw, sh, { kernel: 'lanczos3' })
          .extract({ left, top, width: tw, height: th })
          .jpeg({ quality: t.quality, chromaSubsampling: '4:2:0', progressive: false, mozjpeg: false })
          .toBuffer();
        fs.writeFileSync(path.join(folder, name), out);
        bytes += out.length;
        pixels += tw * th;
        names.push(name);
      }
    };
    await Promise.all([worker(), worker()]);
  }
  names.sort();
  const megapixels = pixels / 1e6;
  fs.writeFileSync(manifestFile, JSON.stringify({ provenance, files: names, bytes, megapixels }, null, 1));
  return { folder, files: names.map((f) => path.join(folder, f)), bytes, megapixels, provenance };
}
