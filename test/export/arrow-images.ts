/**
 * Test images with a known direction: a white arrow on black pointing at an
 * angle (degrees clockwise from image up), and the direction read back from
 * pixels (centroid of the bright pixels relative to the image centre).
 */
import sharp from 'sharp';

/** size x size gray pixels: a shaft from the centre towards angleDeg and a round head at its tip. */
export function drawArrow(size: number, angleDeg: number): Uint8Array {
  const out = new Uint8Array(size * size);
  const a = (angleDeg * Math.PI) / 180;
  const ux = Math.sin(a);
  const uy = -Math.cos(a); // image y grows downwards: up is -y
  const c = (size - 1) / 2;
  const len = size * 0.4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x - c;
      const dy = y - c;
      const along = dx * ux + dy * uy;
      const across = Math.abs(-dx * uy + dy * ux);
      const tipDist = Math.hypot(dx - ux * len, dy - uy * len);
      if ((along >= 0 && along <= len && across <= 1.5) || tipDist <= size * 0.08) out[y * size + x] = 255;
    }
  }
  return out;
}

export async function arrowPng(size: number, angleDeg: number): Promise<Buffer> {
  return sharp(Buffer.from(drawArrow(size, angleDeg)), { raw: { width: size, height: size, channels: 1 } })
    .png()
    .toBuffer();
}

/** Direction (degrees clockwise from up, [0, 360)) of the bright pixels' centroid from the centre of a gray image. */
export function directionOf(gray: Uint8Array, w: number, h: number): number {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = gray[y * w + x]!;
      if (v > 128) {
        sx += x;
        sy += y;
        n++;
      }
    }
  }
  const dx = sx / n - (w - 1) / 2;
  const dy = sy / n - (h - 1) / 2;
  const deg = (Math.atan2(dx, -dy) * 180) / Math.PI;
  return (deg + 360) % 360;
}

/** Decode a file's stored pixels (no EXIF rotation) as gray. */
export async function grayPixels(file: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** Circular difference in degrees. */
export const circDiff = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
};
