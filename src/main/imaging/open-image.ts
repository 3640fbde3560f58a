/**
 * Opening an image held in memory for decoding: the file type sniffed from
 * its first bytes, the size checked against MAX_INPUT_PIXELS before any
 * pixel is decoded, BMP read by bmp-ts, everything else by sharp (libvips).
 * Also how decoder failures become AppError('unreadable-image') with the
 * decoder's own reason. model-input.ts builds the model input on top.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { decode as decodeBmp } from 'bmp-ts';
import { AppError } from '../../shared/errors.js';

/**
 * Largest image accepted, in pixels (width x height as stored in the file's
 * header): 100 megapixels, i.e. up to 10000 x 10000. Larger images (a
 * 30000 x 30000 PNG, decompression bombs) are refused as unreadable before any
 * pixel is decoded, so they never exhaust memory.
 */
export const MAX_INPUT_PIXELS = 100_000_000;

/** Image container recognised from the first bytes of a file. */
export type SniffedFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'heif';

/**
 * Recognise an image container from its magic bytes (JPEG FF D8 FF, PNG
 * signature, GIF8, RIFF....WEBP, TIFF II*\0 / MM\0* / BigTIFF, BMP "BM",
 * ISO-BMFF "ftyp" with an AVIF/HEIF brand). Returns null for anything else.
 */
export function sniffFormat(buf: Uint8Array): SniffedFormat | null {
  const b = buf;
  const ascii = (from: number, to: number): string => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && (b[2] === 0x2a || b[2] === 0x2b) && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 0x2a || b[3] === 0x2b)))
  )
    return 'tiff';
  if (b.length >= 26 && ascii(0, 2) === 'BM') return 'bmp';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1', 'heim', 'heis', 'hevc', 'hevx'].includes(brand)) return 'heif';
  }
  return null;
}

const GENERIC_REASON = 'unknown decoder error';

/** The decoder's message, one line, without sharp's "treated as error" preamble. */
export function decoderReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^Warning treated as error due to failOn setting$/i.test(l));
  const text = [...new Set(lines)].join('; ') || GENERIC_REASON;
  return text === 'Unknown error' ? 'corrupt image data (libvips reported an unknown error)' : text;
}

// libvips keeps ONE error buffer for the whole process, and each sharp call
// clears it: with several decodes in flight, a failing decode can lose its
// message to another's clear (measured: "IHDR: CRC error" dropped under load).
// Decodes therefore run as "shared" operations, and the retry that recovers a
// lost message runs "exclusive": it waits for the decodes in flight to finish
// and holds new ones back until it is done (only failing files ever retry).
let activeDecodes = 0;
let exclusiveTurn: Promise<void> | null = null;
const onDrained: (() => void)[] = [];

export async function sharedDecode<T>(fn: () => Promise<T>): Promise<T> {
  while (exclusiveTurn) await exclusiveTurn;
  activeDecodes++;
  try {
    return await fn();
  } finally {
    activeDecodes--;
    if (activeDecodes === 0) for (const f of onDrained.splice(0)) f();
  }
}

async function exclusiveDecode<T>(fn: () => Promise<T>): Promise<T> {
  while (exclusiveTurn) await exclusiveTurn;
  let release!: () => void;
  exclusiveTurn = new Promise<void>((r) => (release = r));
  try {
    if (activeDecodes > 0) await new Promise<void>((r) => onDrained.push(r));
    return await fn();
  } finally {
    exclusiveTurn = null;
    release();
  }
}

/**
 * The decoder's reason for a failure; when it is only sharp's generic
 * "Warning treated as error" line (the text was lost, see above), decode once
 * more alone and take that attempt's reason.
 */
export async function detailedReason(e: unknown, retry: () => Promise<unknown>): Promise<string> {
  const first = decoderReason(e);
  if (first !== GENERIC_REASON) return first;
  try {
    await exclusiveDecode(retry);
  } catch (again) {
    return decoderReason(again);
  }
  return first;
}

export function unreadable(reason: string, cause?: unknown): AppError {
  return new AppError('unreadable-image', reason, cause === undefined ? undefined : { cause });
}

function pixelLimitReason(w: number, h: number): string {
  return `image is ${w} x ${h} = ${(w * h).toLocaleString('en-US')} pixels, above the limit of ${MAX_INPUT_PIXELS.toLocaleString('en-US')} pixels (MAX_INPUT_PIXELS, a guard against decompression bombs); downscale it before importing`;
}

const SHARP_OPTIONS = {
  limitInputPixels: MAX_INPUT_PIXELS,
  // Strictest level (sharp's default for untrusted input): refuse pixel data
  // the decoder warns about (bad CRC, corrupt Huffman data, a baseline JPEG
  // cut short). Garbage pixels would otherwise enter the model input, and
  // furthest point sampling would rank such outliers first. A progressive
  // JPEG cut short still decodes from its complete scans without a warning;
  // see test/import/awkward-fixtures.test.ts.
  failOn: 'warning',
  // The first frame of an animated GIF/WebP or multi-page TIFF.
  pages: 1,
} as const;

export interface OpenedImage {
  /** A fresh sharp pipeline over the decoded source (call once per output). */
  readonly make: () => Sharp;
  /** Stored size and EXIF orientation (1..8). */
  readonly storedWidth: number;
  readonly storedHeight: number;
  readonly orientation: number;
  readonly format: SniffedFormat;
}

/** Read a BMP with bmp-ts into raw RGB(A), checking its header size against the pixel limit first. */
function openBmp(buf: Buffer): OpenedImage {
  const headerSize = buf.readUInt32LE(14);
  let w: number;
  let h: number;
  if (headerSize === 12) {
    w = buf.readUInt16LE(18);
    h = buf.readUInt16LE(20);
  } else if (headerSize >= 40 && buf.length >= 26) {
    w = buf.readInt32LE(18);
    h = Math.abs(buf.readInt32LE(22));
  } else {
    throw unreadable(`BMP header of unknown size ${headerSize} bytes`);
  }
  if (w <= 0 || h <= 0) throw unreadable(`BMP header gives an invalid size ${w} x ${h}`);
  if (w * h > MAX_INPUT_PIXELS) throw unreadable(pixelLimitReason(w, h));
  let decoded: { width: number; height: number; data: Buffer; bitPP?: number };
  try {
    decoded = decodeBmp(buf, { toRGBA: true });
  } catch (e) {
    throw unreadable(`BMP decoder (bmp-ts): ${decoderReason(e)}`, e);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) {
    throw unreadable(`BMP decoder (bmp-ts) returned ${data.length} bytes for ${width} x ${height} pixels; the file is truncated or corrupt`);
  }
  // bmp-ts leaves alpha at 0 for formats without alpha; a 32-bit BMP whose
  // alpha bytes are all 0 is opaque by convention too.
  let alphaUsed = false;
  if ((decoded.bitPP ?? 24) === 32) {
    for (let i = 3; i < width * height * 4; i += 4) {
      if (data[i] !== 0) {
        alphaUsed = true;
        break;
      }
    }
  }
  let pixels: Buffer;
  let channels: 3 | 4;
  if (alphaUsed) {
    pixels = data.subarray(0, width * height * 4);
    channels = 4;
  } else {
    pixels = Buffer.alloc(width * height * 3);
    for (let p = 0, q = 0; p < width * height; p++, q += 4) {
      pixels[3 * p] = data[q]!;
      pixels[3 * p + 1] = data[q + 1]!;
      pixels[3 * p + 2] = data[q + 2]!;
    }
    channels = 3;
  }
  return {
    make: () => sharp(pixels, { raw: { width, height, channels } }),
    storedWidth: width,
    storedHeight: height,
    orientation: 1,
    format: 'bmp',
  };
}

/**
 * Sniff, size-check and open an image held in memory.
 * @throws AppError('unreadable-image') with the reason.
 */
export async function openImage(buf: Buffer): Promise<OpenedImage> {
  if (buf.length === 0) throw unreadable('empty file (0 bytes)');
  const format = sniffFormat(buf);
  if (!format) {
    const head = Buffer.from(buf.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim();
    throw unreadable(`not a supported image format (JPEG, PNG, WebP, TIFF, GIF, BMP, AVIF); the file starts with bytes ${head}`);
  }
  if (format === 'bmp') return openBmp(buf);
  let meta: Metadata;
  // Header only; the pixel limit is checked below with a clearer message.
  const header = (): Promise<Metadata> => sharp(buf, { ...SHARP_OPTIONS, limitInputPixels: false }).metadata();
  try {
    meta = await sharedDecode(header);
  } catch (e) {
    throw unreadable(await detailedReason(e, header), e);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (!(w > 0 && h > 0)) throw unreadable(`${format} header gives no image size`);
  if (w * h > MAX_INPUT_PIXELS) throw unreadable(pixelLimitReason(w, h));
  const orientation = meta.orientation && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  return { make: () => sharp(buf, SHARP_OPTIONS), storedWidth: w, storedHeight: h, orientation, format };
}
