/**
 * Decoding one image file into the model input (docs/architecture.md, pipeline stage 1)
 * and into an upright preview for the UI.
 *
 * Decoder: sharp (libvips) for JPEG, PNG, WebP, TIFF, GIF and AVIF; BMP, which
 * sharp's prebuilt libvips cannot read, goes through the pure-TypeScript
 * `bmp-ts` decoder and then the same sharp pipeline. The file type is sniffed
 * from its first bytes, never from its name, and anything else (SVG, PDF,
 * libvips' own formats, text) is refused before a decoder sees it.
 *
 * Model input (see `decodeModelInputFromBuffer`):
 *   1. EXIF orientation applied (all 8 values, including the mirrored and
 *      transposed ones 2, 4, 5, 7 and the ones that swap width and height 5-8);
 *   2. alpha composited on the fixed gray ALPHA_BACKGROUND_GRAY (128), so black
 *      and white strokes on transparency both stay visible;
 *   3. converted to sRGB (CMYK via libvips' built-in CMYK profile, 16-bit
 *      samples scaled by 255/65535, so 65535 -> 255 and 32896 -> 128), then to
 *      one gray channel (libvips sRGB -> B_W luminance) or kept as RGB;
 *   4. letterboxed: scaled (Lanczos-3, aspect ratio kept, never stretched)
 *      so the longer side is `inputSize`, centred, and the rest padded with
 *      LETTERBOX_PAD_VALUE (0, black);
 *   5. returned as uint8, row-major HWC, inputSize x inputSize x (1 | 3).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { OutputInfo } from 'sharp';
import { AppError, isAppError } from '../../shared/errors.js';
import { ALPHA_BACKGROUND_GRAY, type ColorMode } from '../../shared/types.js';
import { decoderReason, detailedReason, openImage, sharedDecode, unreadable } from './open-image.js';

export { MAX_INPUT_PIXELS, sniffFormat, type SniffedFormat } from './open-image.js';

/** Largest file read, in bytes (256 MiB); larger files are refused as unreadable without reading them. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Value of the letterbox padding around the scaled image in the model input (black). */
export const LETTERBOX_PAD_VALUE = 0;

export interface ModelInputOptions {
  /** Side of the square model input, px (1..4096). */
  readonly inputSize: number;
  /** 'gray': 1 channel; 'rgb': 3 channels. */
  readonly colorMode: ColorMode;
}

export interface DecodedPixels {
  /** Displayed width in px (after EXIF orientation). */
  readonly width: number;
  /** Displayed height in px (after EXIF orientation). */
  readonly height: number;
  /** uint8, inputSize x inputSize x channels, row-major HWC. */
  readonly modelInput: Uint8Array;
}

export interface DecodedImage extends DecodedPixels {
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** File size in bytes. */
  readonly sizeBytes: number;
}

/** SHA-256 of bytes as lower-case hex. */
export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Displayed size for a stored size and EXIF orientation: 5..8 swap width and height. */
export function displayedSize(storedWidth: number, storedHeight: number, orientation: number): { width: number; height: number } {
  return orientation >= 5 && orientation <= 8 ? { width: storedHeight, height: storedWidth } : { width: storedWidth, height: storedHeight };
}

function checkOptions(opts: ModelInputOptions): void {
  if (!Number.isInteger(opts.inputSize) || opts.inputSize < 1 || opts.inputSize > 4096) {
    throw new AppError('invalid-argument', `inputSize must be an integer from 1 to 4096 px, got ${opts.inputSize}`);
  }
  if (opts.colorMode !== 'gray' && opts.colorMode !== 'rgb') {
    throw new AppError('invalid-argument', `colorMode must be 'gray' or 'rgb', got ${String(opts.colorMode)}`);
  }
}

/**
 * Decode image bytes into the model input (steps in the module docstring).
 *
 * @param buf the whole file's bytes
 * @returns displayed width/height (px, EXIF applied) and the model input
 *   (uint8, inputSize x inputSize x 1 for 'gray' or x 3 for 'rgb', HWC; the
 *   image centred and scaled so its longer side is inputSize, padded with
 *   LETTERBOX_PAD_VALUE = 0)
 * @throws AppError('unreadable-image') whose message is the decoder's reason
 *   (no file name: callers add it); AppError('invalid-argument') for bad options.
 */
export async function decodeModelInputFromBuffer(buf: Buffer, opts: ModelInputOptions): Promise<DecodedPixels> {
  checkOptions(opts);
  const img = await openImage(buf);
  const { width, height } = displayedSize(img.storedWidth, img.storedHeight, img.orientation);
  const channels = opts.colorMode === 'rgb' ? 3 : 1;
  const bg = ALPHA_BACKGROUND_GRAY;
  const run = (): Promise<{ data: Buffer; info: OutputInfo }> => {
    let p = img
      .make()
      .autoOrient()
      // Composite alpha on the fixed gray (a no-op without alpha); also casts to 8-bit sRGB.
      .flatten({ background: { r: bg, g: bg, b: bg } })
      .resize(opts.inputSize, opts.inputSize, {
        fit: 'contain',
        position: 'centre',
        kernel: 'lanczos3',
        background: { r: LETTERBOX_PAD_VALUE, g: LETTERBOX_PAD_VALUE, b: LETTERBOX_PAD_VALUE, alpha: 1 },
      });
    p = channels === 1 ? p.toColourspace('b-w') : p.toColourspace('srgb');
    return p.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  };
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharedDecode(run);
  } catch (e) {
    throw unreadable(await detailedReason(e, run), e);
  }
  const { data, info } = out;
  const n = opts.inputSize * opts.inputSize * channels;
  if (info.width !== opts.inputSize || info.height !== opts.inputSize || info.channels !== channels || data.length !== n) {
    throw new AppError(
      'internal',
      `decoder returned ${info.width} x ${info.height} x ${info.channels} (${data.length} bytes), expected ${opts.inputSize} x ${opts.inputSize} x ${channels}`,
    );
  }
  return { width, height, modelInput: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Read a whole image file (at most MAX_FILE_BYTES) once.
 * @throws AppError('not-found') when the file does not exist (any more);
 *   AppError('unreadable-image') when it is not a regular file, too large, or cannot be read.
 */
export async function readImageFile(path: string): Promise<Buffer> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new AppError('not-found', `image file ${path} does not exist`, { cause: e });
    throw unreadable(`cannot open file: ${(e as Error).message}`, e);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw unreadable('not a regular file');
    if (st.size > MAX_FILE_BYTES) {
      throw unreadable(`file is ${st.size.toLocaleString('en-US')} bytes, above the limit of ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (MAX_FILE_BYTES)`);
    }
    // Read at most the limit plus one byte, so a file growing while read cannot exhaust memory.
    const buf = Buffer.alloc(Math.min(MAX_FILE_BYTES + 1, Math.max(st.size + 1, 1)));
    let off = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
      if (off === buf.length) {
        if (off > MAX_FILE_BYTES) throw unreadable(`file grew above the limit of ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes while being read`);
        break; // grew by one byte while reading: keep the snapshot read so far
      }
    }
    return buf.subarray(0, off);
  } catch (e) {
    if (isAppError(e)) throw e;
    throw unreadable(`cannot read file: ${(e as Error).message}`, e);
  } finally {
    await fh.close();
  }
}

/**
 * Decode one image file into its model input and metadata. The file is read
 * once; the hash and the pixels come from the same bytes.
 *
 * @param path file path
 * @param opts inputSize (px) and colorMode of the project
 * @returns sha256 (hex of the file bytes), sizeBytes, displayed width and
 *   height in px (EXIF orientation applied, so 5..8 swap them) and modelInput
 *   (uint8 HWC inputSize x inputSize x 1|3, letterboxed with pad 0; alpha on gray 128)
 * @throws AppError('unreadable-image', "<path>: <decoder's reason>") for files
 *   that cannot be decoded (including images above MAX_INPUT_PIXELS and files
 *   above MAX_FILE_BYTES); AppError('not-found') for a missing file.
 */
export async function decodeModelInput(path: string, opts: ModelInputOptions): Promise<DecodedImage> {
  const buf = await readImageFile(path);
  const sha256 = sha256Hex(buf);
  try {
    const px = await decodeModelInputFromBuffer(buf, opts);
    return { sha256, sizeBytes: buf.length, ...px };
  } catch (e) {
    if (isAppError(e) && e.code === 'unreadable-image') throw unreadable(`${path}: ${e.message}`, e.cause);
    throw e;
  }
}

export interface DisplayImage {
  readonly bytes: Uint8Array;
  readonly mime: 'image/png' | 'image/jpeg';
  /** Size of the encoded image in px. */
  readonly width: number;
  readonly height: number;
}

/**
 * Render an image file for a browser <img>: upright (EXIF orientation
 * applied), in sRGB 8-bit, its longest side at most maxSide px (downscaled
 * only, aspect ratio kept). JPEG sources without alpha are re-encoded as
 * JPEG (quality 90); everything else as PNG, keeping transparency.
 *
 * @throws AppError('unreadable-image', "<path>: <reason>"), AppError('not-found'),
 *   AppError('invalid-argument') when maxSide is not a positive integer.
 */
export async function renderDisplayImage(path: string, maxSide: number): Promise<DisplayImage> {
  if (!Number.isInteger(maxSide) || maxSide < 1) {
    throw new AppError('invalid-argument', `maxSide must be a positive integer (px), got ${maxSide}`);
  }
  const buf = await readImageFile(path);
  try {
    const img = await openImage(buf);
    const meta = await img.make().metadata();
    const hasAlpha = meta.hasAlpha === true;
    let p = img.make().autoOrient().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' }).toColourspace('srgb');
    const jpeg = img.format === 'jpeg' && !hasAlpha;
    p = jpeg ? p.jpeg({ quality: 90 }) : p.png({ compressionLevel: 6 });
    const { data, info } = await p.toBuffer({ resolveWithObject: true });
    return {
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      mime: jpeg ? 'image/jpeg' : 'image/png',
      width: info.width,
      height: info.height,
    };
  } catch (e) {
    if (isAppError(e) && e.code === 'unreadable-image') throw unreadable(`${path}: ${e.message}`, e.cause);
    if (isAppError(e)) throw e;
    throw unreadable(`${path}: ${decoderReason(e)}`, e);
  }
}
