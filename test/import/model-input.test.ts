import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_PIXELS, decodeModelInput, decodeModelInputFromBuffer, renderDisplayImage, sha256Hex } from '../../src/main/imaging/model-input.js';
import { ALPHA_BACKGROUND_GRAY } from '../../src/shared/types.js';
import { GRAY, GRAY_ALPHA, RGB, RGBA, blackBilevelPng, encodePng, pngFromParts } from './png-writer.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-model-input-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

describe('bit depth', () => {
  it('maps 16-bit gray samples 0, 32896, 65535 to 0, 128, 255 (16-bit white stays white)', async () => {
    // 3 x 3 image, every row 0, 32896, 65535; inputSize 3 needs no resampling.
    const png = encodePng(3, 3, GRAY, 16, [0, 32896, 65535, 0, 32896, 65535, 0, 32896, 65535]);
    const gray = await decodeModelInputFromBuffer(png, { inputSize: 3, colorMode: 'gray' });
    expect([...gray.modelInput]).toEqual([0, 128, 255, 0, 128, 255, 0, 128, 255]);
    const rgb = await decodeModelInputFromBuffer(png, { inputSize: 3, colorMode: 'rgb' });
    expect([...rgb.modelInput.subarray(0, 9)]).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
  });

  it('maps 16-bit RGB white to 255 and 16-bit gray+alpha correctly', async () => {
    const white = encodePng(2, 2, RGB, 16, new Array(12).fill(65535));
    expect([...(await decodeModelInputFromBuffer(white, { inputSize: 2, colorMode: 'gray' })).modelInput]).toEqual([255, 255, 255, 255]);
    // (value, alpha): opaque black, transparent white, opaque white, half-transparent black
    const ga = encodePng(4, 1, GRAY_ALPHA, 16, [0, 65535, 65535, 0, 65535, 65535, 0, 32896]);
    const m = (await decodeModelInputFromBuffer(ga, { inputSize: 4, colorMode: 'gray' })).modelInput;
    // Letterbox: the 4 x 1 row sits in row 1 of 4 ((4 - 1) / 2 rounded down); rows 0, 2, 3 are pad 0.
    const row = [...m.subarray(4, 8)];
    expect(row[0]).toBe(0);
    expect(row[1]).toBe(ALPHA_BACKGROUND_GRAY);
    expect(row[2]).toBe(255);
    expect(Math.abs(row[3] - Math.round(ALPHA_BACKGROUND_GRAY * (1 - 32896 / 65535)))).toBeLessThanOrEqual(1);
    expect([...m.subarray(0, 4), ...m.subarray(8)]).toEqual(new Array(12).fill(0));
  });
});

describe('alpha', () => {
  it('composites a black line on transparency over gray 128, so the line stays visible', async () => {
    // 16 x 16 fully transparent RGBA (its hidden color black, as many editors save it) with an opaque black vertical line at x = 7.
    const px: number[] = [];
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) px.push(0, 0, 0, x === 7 ? 255 : 0);
    const png = encodePng(16, 16, RGBA, 8, px);
    for (const colorMode of ['gray', 'rgb'] as const) {
      const ch = colorMode === 'gray' ? 1 : 3;
      const m = (await decodeModelInputFromBuffer(png, { inputSize: 16, colorMode })).modelInput;
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) {
          for (let c = 0; c < ch; c++) expect(m[(y * 16 + x) * ch + c]).toBe(x === 7 ? 0 : ALPHA_BACKGROUND_GRAY);
        }
      }
    }
    // Downscaled to 8 px the line is still clearly darker than the background.
    const small = (await decodeModelInputFromBuffer(png, { inputSize: 8, colorMode: 'gray' })).modelInput;
    const cols = Array.from({ length: 8 }, (_, x) => small[4 * 8 + x]);
    expect(Math.min(...cols)).toBeLessThan(ALPHA_BACKGROUND_GRAY - 40);
    expect(Math.max(...cols)).toBeGreaterThanOrEqual(ALPHA_BACKGROUND_GRAY - 2);
  });

  it('keeps a white line on transparency visible too', async () => {
    const px: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) px.push(255, 255, 255, y === 2 ? 255 : 0);
    const m = (await decodeModelInputFromBuffer(encodePng(4, 4, RGBA, 8, px), { inputSize: 4, colorMode: 'gray' })).modelInput;
    expect([...m]).toEqual([128, 128, 128, 128, 128, 128, 128, 128, 255, 255, 255, 255, 128, 128, 128, 128]);
  });
});

describe('letterbox', () => {
  it('keeps the aspect ratio and pads with 0 (a wide image is centred vertically, never stretched)', async () => {
    // 8 x 2 white image into 8 x 8: rows 3 and 4 white, the rest pad 0.
    const png = encodePng(8, 2, GRAY, 8, new Array(16).fill(255));
    const m = (await decodeModelInputFromBuffer(png, { inputSize: 8, colorMode: 'gray' })).modelInput;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) expect(m[y * 8 + x]).toBe(y === 3 || y === 4 ? 255 : 0);
  });

  it('scales a tall image so its longer side fills inputSize', async () => {
    // 20 x 40 white -> 8 x 16 inside 16 x 16: columns 4..11 white.
    const png = encodePng(20, 40, GRAY, 8, new Array(800).fill(255));
    const m = (await decodeModelInputFromBuffer(png, { inputSize: 16, colorMode: 'gray' })).modelInput;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) expect(m[y * 16 + x]).toBe(x >= 4 && x < 12 ? 255 : 0);
    }
  });
});

/**
 * Stored pixel (sx, sy) of an image whose upright (displayed) form is U (W x H)
 * when saved with EXIF orientation o, from the EXIF 2.32 definitions of the
 * eight values (row 0 / column 0 of the stored image: 1 top/left, 2 top/right,
 * 3 bottom/right, 4 bottom/left, 5 left/top, 6 right/top, 7 right/bottom,
 * 8 left/bottom). Returns the displayed coordinates it shows at.
 */
function storedToDisplayed(o: number, sx: number, sy: number, W: number, H: number): [number, number] {
  switch (o) {
    case 1:
      return [sx, sy];
    case 2:
      return [W - 1 - sx, sy];
    case 3:
      return [W - 1 - sx, H - 1 - sy];
    case 4:
      return [sx, H - 1 - sy];
    case 5:
      return [sy, sx];
    case 6:
      return [W - 1 - sy, sx];
    case 7:
      return [W - 1 - sy, H - 1 - sx];
    case 8:
      return [sy, H - 1 - sx];
    default:
      throw new Error(`orientation ${o}`);
  }
}

describe('EXIF orientation', () => {
  // Upright pattern U, 6 wide x 4 tall, every pixel distinct: R = 30 + 30x, G = 40 + 50y, B = 7.
  const W = 6;
  const H = 4;
  const upright = (x: number, y: number): [number, number, number] => [30 + 30 * x, 40 + 50 * y, 7];

  async function storedWithOrientation(o: number): Promise<Buffer> {
    const swap = o >= 5;
    const sw = swap ? H : W;
    const sh = swap ? W : H;
    const raw = Buffer.alloc(sw * sh * 3);
    for (let sy = 0; sy < sh; sy++) {
      for (let sx = 0; sx < sw; sx++) {
        const [x, y] = storedToDisplayed(o, sx, sy, W, H);
        raw.set(upright(x, y), (sy * sw + sx) * 3);
      }
    }
    return sharp(raw, { raw: { width: sw, height: sh, channels: 3 } })
      .withMetadata({ orientation: o })
      .png()
      .toBuffer();
  }

  for (let o = 1; o <= 8; o++) {
    it(`orientation ${o}: every pixel lands where the upright image has it, size ${W} x ${H}`, async () => {
      const png = await storedWithOrientation(o);
      expect((await sharp(png).metadata()).orientation).toBe(o);
      const r = await decodeModelInputFromBuffer(png, { inputSize: 6, colorMode: 'rgb' });
      expect([r.width, r.height]).toEqual([W, H]);
      // 6 x 4 in 6 x 6: one pad row above and below.
      const m = r.modelInput;
      for (let y = 0; y < 6; y++) {
        for (let x = 0; x < 6; x++) {
          const want = y === 0 || y === 5 ? [0, 0, 0] : upright(x, y - 1);
          expect([m[(y * 6 + x) * 3], m[(y * 6 + x) * 3 + 1], m[(y * 6 + x) * 3 + 2]]).toEqual(want);
        }
      }
    });
  }

  it('a 64 x 48 photo with EXIF Orientation=6 is 48 wide and 64 tall, for the model and for display', async () => {
    // Stored 64 x 48: left half dark, right half light. Rotated 90 degrees clockwise the
    // stored left becomes the displayed top.
    const raw = Buffer.alloc(64 * 48 * 3);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) raw.fill(x < 32 ? 20 : 230, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    const jpg = await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const file = write('photo-o6.jpg', jpg);
    const r = await decodeModelInput(file, { inputSize: 64, colorMode: 'gray' });
    expect([r.width, r.height]).toEqual([48, 64]);
    expect(r.sha256).toBe(sha256Hex(jpg));
    expect(r.sizeBytes).toBe(jpg.length);
    // Displayed 48 x 64 in 64 x 64: columns 8..55 hold the image; top half dark, bottom light.
    const at = (x: number, y: number): number => r.modelInput[y * 64 + x];
    expect(at(2, 10)).toBe(0); // pad
    expect(at(61, 50)).toBe(0); // pad
    expect(at(30, 10)).toBeLessThan(40);
    expect(at(30, 54)).toBeGreaterThan(210);

    const d = await renderDisplayImage(file, 1000);
    expect(d.mime).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(d.bytes)).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([48, 64, 1]);
    const dpx = await sharp(Buffer.from(d.bytes)).greyscale().raw().toBuffer();
    expect(dpx[10 * 48 + 24]).toBeLessThan(40);
    expect(dpx[54 * 48 + 24]).toBeGreaterThan(210);
    const small = await renderDisplayImage(file, 32);
    expect([small.width, small.height]).toEqual([24, 32]);
  });
});

describe('refusals', () => {
  it('refuses a 30000 x 30000 PNG (a decompression bomb) by its header, with the pixel limit in the reason', async () => {
    const bomb = blackBilevelPng(30000, 30000);
    expect(bomb.length).toBeLessThan(1_000_000);
    const file = write('bomb.png', bomb);
    const t0 = Date.now();
    const err = await decodeModelInput(file, { inputSize: 64, colorMode: 'gray' }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toMatchObject({ code: 'unreadable-image' });
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain('30000 x 30000');
    expect(msg).toContain(MAX_INPUT_PIXELS.toLocaleString('en-US'));
    await expect(renderDisplayImage(file, 256)).rejects.toMatchObject({ code: 'unreadable-image' });
  });

  it('refuses a PNG whose header claims 30000 x 30000 over a few bytes of data', async () => {
    const liar = pngFromParts(30000, 30000, 8, GRAY, new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    await expect(decodeModelInputFromBuffer(liar, { inputSize: 64, colorMode: 'gray' })).rejects.toThrow(/above the limit of 100,000,000 pixels/);
  });

  it('accepts an image of 1 x 1', async () => {
    const one = encodePng(1, 1, GRAY, 8, [200]);
    const r = await decodeModelInputFromBuffer(one, { inputSize: 2, colorMode: 'gray' });
    expect(r.width).toBe(1);
    expect(Math.max(...r.modelInput)).toBeGreaterThan(150);
  });

  it('refuses SVG, text and empty files by content, whatever their name', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expect(decodeModelInput(write('vector.png', svg), { inputSize: 8, colorMode: 'gray' })).rejects.toThrow(/not a supported image format/);
    await expect(decodeModelInput(write('empty.jpg', Buffer.alloc(0)), { inputSize: 8, colorMode: 'gray' })).rejects.toThrow(/empty file/);
    await expect(decodeModelInput(path.join(dir, 'no-such.png'), { inputSize: 8, colorMode: 'gray' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a baseline JPEG cut short with the decoder reason', async () => {
    const raw = Buffer.alloc(64 * 64 * 3);
    for (let k = 0; k < raw.length; k++) raw[k] = (k * 7) % 251;
    const jpg = await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg({ quality: 90, progressive: false })
      .toBuffer();
    await expect(decodeModelInputFromBuffer(jpg, { inputSize: 8, colorMode: 'gray' })).resolves.toBeDefined();
    for (const frac of [0.5, 0.95]) {
      const cut = jpg.subarray(0, Math.floor(jpg.length * frac));
      await expect(decodeModelInputFromBuffer(cut, { inputSize: 8, colorMode: 'gray' })).rejects.toThrow(/premature end of JPEG/);
    }
  });

  it('rejects bad options with invalid-argument', async () => {
    const one = encodePng(1, 1, GRAY, 8, [1]);
    await expect(decodeModelInputFromBuffer(one, { inputSize: 0, colorMode: 'gray' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(renderDisplayImage(write('one.png', one), 0)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('renderDisplayImage', () => {
  it('renders 16-bit white as white, keeps transparency as PNG and never upscales', async () => {
    const file = write('white16.png', encodePng(10, 5, GRAY, 16, new Array(50).fill(65535)));
    const d = await renderDisplayImage(file, 100);
    expect(d.mime).toBe('image/png');
    expect([d.width, d.height]).toEqual([10, 5]);
    expect((await sharp(Buffer.from(d.bytes)).metadata()).depth).toBe('uchar');
    const px = await sharp(Buffer.from(d.bytes)).raw().toBuffer();
    expect(Math.min(...px)).toBe(255);

    const px2: number[] = [];
    for (let i = 0; i < 16; i++) px2.push(0, 0, 0, i % 2 ? 255 : 0);
    const t = await renderDisplayImage(write('alpha.png', encodePng(4, 4, RGBA, 8, px2)), 2);
    expect(t.mime).toBe('image/png');
    expect([t.width, t.height]).toEqual([2, 2]);
    expect((await sharp(Buffer.from(t.bytes)).metadata()).hasAlpha).toBe(true);
  });
});

describe('formats', () => {
  it('decodes the same picture saved as PNG, JPEG, WebP, TIFF, GIF, AVIF and BMP to nearly the same model input', async () => {
    const { encode: encodeBmp } = await import('bmp-ts');
    // 40 x 30 picture: a diagonal gradient with a dark square, so errors in placement show.
    const w = 40;
    const h = 30;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = x >= 5 && x < 15 && y >= 5 && y < 15 ? 20 : 60 + 4 * x + 2 * y;
        rgb.set([v, Math.min(255, v + 30), 255 - v], (y * w + x) * 3);
      }
    }
    const src = () => sharp(rgb, { raw: { width: w, height: h, channels: 3 } });
    const abgr = Buffer.alloc(w * h * 4); // bmp-ts input order: A, B, G, R
    for (let p = 0; p < w * h; p++) abgr.set([255, rgb[3 * p + 2], rgb[3 * p + 1], rgb[3 * p]], 4 * p);
    const files: Record<string, Buffer> = {
      'p.png': await src().png().toBuffer(),
      'p.jpg': await src().jpeg({ quality: 95 }).toBuffer(),
      'p.webp': await src().webp({ lossless: true }).toBuffer(),
      'p.tif': await src().tiff({ compression: 'lzw' }).toBuffer(),
      'p.gif': await src().gif().toBuffer(),
      'p.avif': await src().avif({ quality: 90 }).toBuffer(),
      'p.bmp': encodeBmp({ data: abgr, width: w, height: h, bitPP: 24 }).data,
    };
    const opts = { inputSize: 16, colorMode: 'rgb' as const };
    const ref = (await decodeModelInput(write('p.png', files['p.png']), opts)).modelInput;
    // Lossless WebP and JPEG differ slightly: libvips decodes them shrunk-on-load before the final resize.
    const limits: Record<string, number> = { 'p.webp': 2, 'p.tif': 0.01, 'p.bmp': 0.01, 'p.gif': 0.5, 'p.jpg': 3, 'p.avif': 2 };
    // Control: the mirrored picture is far from the reference.
    const mirrored = (await decodeModelInput(write('m.png', await src().flop().png().toBuffer()), opts)).modelInput;
    let sm = 0;
    for (let i = 0; i < ref.length; i++) sm += Math.abs(mirrored[i] - ref[i]);
    expect(sm / ref.length).toBeGreaterThan(10);
    for (const [name, limit] of Object.entries(limits)) {
      const r = await decodeModelInput(write(name, files[name]), opts);
      expect([r.width, r.height], name).toEqual([w, h]);
      let s = 0;
      for (let i = 0; i < ref.length; i++) s += Math.abs(r.modelInput[i] - ref[i]);
      expect(s / ref.length, name).toBeLessThan(limit);
    }
  });
});

describe('corrupt data', () => {
  it('refuses a JPEG whose entropy-coded data is corrupt instead of decoding garbage', async () => {
    const raw = Buffer.alloc(64 * 64 * 3);
    for (let k = 0; k < raw.length; k++) raw[k] = (k * 7) % 251;
    const jpg = await sharp(raw, { raw: { width: 64, height: 64, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const bad = Buffer.from(jpg);
    bad.fill(0x55, Math.floor(jpg.length / 2), Math.floor(jpg.length / 2) + 40);
    await expect(decodeModelInputFromBuffer(bad, { inputSize: 8, colorMode: 'gray' })).rejects.toThrow(/Corrupt JPEG data/);
  });
});
