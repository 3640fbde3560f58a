/**
 * Shared set-up of the end-to-end tests: the built renderer (rebuilt with vite
 * when a source file is newer than the build), a real image folder made from
 * the bundled demo, the browser flags, and where screenshots go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIST = path.join(ROOT, 'dist', 'renderer');
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM = process.env.NL_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Build dist/renderer with vite unless it is newer than every source it is made from. */
export async function ensureRendererBuilt(): Promise<string> {
  const index = path.join(RENDERER_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src', 'renderer')),
    newestMtime(path.join(ROOT, 'src', 'shared')),
    fs.statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (!fs.existsSync(index) || fs.statSync(index).mtimeMs < sources) {
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  }
  return RENDERER_DIST;
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/**
 * Screen point at `radius` px from (cx, cy) in the direction `deg` degrees
 * clockwise from up (screen y grows downward): independent of the app's code.
 */
export function pointAt(cx: number, cy: number, deg: number, radius: number): { x: number; y: number } {
  const r = (deg * Math.PI) / 180;
  return { x: cx + radius * Math.sin(r), y: cy - radius * Math.cos(r) };
}
