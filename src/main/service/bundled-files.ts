/** Locations of files shipped with the app (work from src/ under tsx and from dist/). */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (the folder with package.json). */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/** The bundled demo images folder, or null when not shipped. */
export function demoFolder(): string | null {
  const p = fileURLToPath(new URL('../../../assets/demo/images', import.meta.url));
  return fs.existsSync(p) ? p : null;
}

export function demoTruthFile(): string | null {
  const p = fileURLToPath(new URL('../../../assets/demo/truth.csv', import.meta.url));
  return fs.existsSync(p) ? p : null;
}
