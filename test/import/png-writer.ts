/**
 * A minimal PNG encoder for tests, written from the PNG specification
 * (ISO/IEC 15948: signature, IHDR, IDAT with zlib data and filter byte 0 per
 * row, IEND; CRC-32 over type + data). Independent of sharp, so tests can
 * feed exact 16-bit samples and craft headers sharp would never write.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const body = Buffer.concat([head.subarray(4), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** PNG color types. */
export const GRAY = 0;
export const RGB = 2;
export const GRAY_ALPHA = 4;
export const RGBA = 6;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Encode samples (row-major, interleaved channels) as a PNG.
 * bitDepth 8: samples 0..255; bitDepth 16: samples 0..65535 (written big-endian).
 */
export function encodePng(width: number, height: number, colorType: number, bitDepth: 8 | 16, samples: ArrayLike<number>): Buffer {
  const ch = CHANNELS[colorType];
  const bps = bitDepth / 8;
  const rowBytes = width * ch * bps;
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1);
    raw[o] = 0; // filter: none
    for (let i = 0; i < width * ch; i++) {
      const v = samples[y * width * ch + i];
      if (bitDepth === 16) raw.writeUInt16BE(v, o + 1 + 2 * i);
      else raw[o + 1 + i] = v;
    }
  }
  return pngFromParts(width, height, bitDepth, colorType, zlib.deflateSync(raw));
}

/** Assemble a PNG from an IHDR description and already-compressed IDAT data. */
export function pngFromParts(width: number, height: number, bitDepth: number, colorType: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/**
 * A valid 1-bit gray PNG of width x height, all black: a decompression bomb
 * (30000 x 30000 is about 110 KB on disk, 900 megapixels decoded).
 */
export function blackBilevelPng(width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8) + 1; // filter byte 0 + zero bits
  return pngFromParts(width, height, 1, GRAY, zlib.deflateSync(Buffer.alloc(rowBytes * height), { level: 9 }));
}

/** A distinct 4 x 4 gray PNG for import tests: pixel i = (seed * 37 + i * 11) mod 256. */
export function distinctPng(seed: number): Buffer {
  return encodePng(
    4,
    4,
    GRAY,
    8,
    Array.from({ length: 16 }, (_, i) => (seed * 37 + i * 11) % 256),
  );
}

/** A distinct 4 x 4 gray PNG for every k below 65,536 (k's two bytes in the first two pixels). */
export function numberedPng(k: number): Buffer {
  return encodePng(
    4,
    4,
    GRAY,
    8,
    Array.from({ length: 16 }, (_, i) => (i === 0 ? k & 255 : i === 1 ? k >> 8 : (i * 29) % 256)),
  );
}

/** Write bytes at root/rel ('/'-separated), creating folders; returns the absolute path. */
export function putFile(root: string, rel: string, bytes: Uint8Array): string {
  const p = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}
