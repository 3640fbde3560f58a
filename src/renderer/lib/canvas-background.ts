/**
 * The background drawn behind the image being labeled (transparent pixels show
 * it): light, dark or a checkerboard. Black line art vanishes on a dark
 * canvas and white art on a light one, so the annotator switches it (key B);
 * the choice is remembered per project in this browser profile.
 */
export type CanvasBackground = 'checker' | 'light' | 'dark';
export const CANVAS_BACKGROUNDS: readonly CanvasBackground[] = ['checker', 'light', 'dark'];
export const CANVAS_NAMES: Record<CanvasBackground, string> = { checker: 'checkerboard', light: 'light', dark: 'dark' };

const key = (projectPath: string): string => `novelty-labeler.canvas-background:${projectPath}`;

export function nextBackground(b: CanvasBackground): CanvasBackground {
  return CANVAS_BACKGROUNDS[(CANVAS_BACKGROUNDS.indexOf(b) + 1) % CANVAS_BACKGROUNDS.length]!;
}

export function readBackground(projectPath: string): CanvasBackground {
  try {
    const v = globalThis.localStorage?.getItem(key(projectPath));
    return CANVAS_BACKGROUNDS.includes(v as CanvasBackground) ? (v as CanvasBackground) : 'checker';
  } catch {
    return 'checker';
  }
}

export function writeBackground(projectPath: string, b: CanvasBackground): void {
  try {
    globalThis.localStorage?.setItem(key(projectPath), b);
  } catch {
    // storage unavailable: the choice lasts this session only
  }
}

/** The largest w x h rectangle of the image's aspect ratio centred in a box (what object-fit: contain shows). */
export function containRect(imageW: number, imageH: number, boxW: number, boxH: number): { left: number; top: number; width: number; height: number } {
  if (!(imageW > 0 && imageH > 0 && boxW > 0 && boxH > 0)) return { left: 0, top: 0, width: boxW, height: boxH };
  const s = Math.min(boxW / imageW, boxH / imageH);
  const width = imageW * s;
  const height = imageH * s;
  return { left: (boxW - width) / 2, top: (boxH - height) / 2, width, height };
}
