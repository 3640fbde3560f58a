#!/usr/bin/env node
/**
 * `npm start`: open the desktop app.
 * - Where the Electron binary is installed (node_modules/electron/dist), run it
 *   on this package (main: dist/main/electron/main.js).
 * - Otherwise (no Electron download, e.g. an offline CI box or a server), fall
 *   back to the local HTTP transport (`novelty-labeler serve`, loopback only),
 *   which prints the address, with the per-launch token, to open in a browser.
 * Builds first when the compiled app is missing. Extra arguments are passed on
 * (e.g. `npm start -- --port 8123` for the browser fallback).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function built() {
  return (
    existsSync(path.join(root, 'dist', 'renderer', 'index.html')) &&
    existsSync(path.join(root, 'dist', 'main', 'entry', 'cli.js')) &&
    existsSync(path.join(root, 'dist', 'main', 'electron', 'main.js'))
  );
}

/**
 * Path of the Electron executable, or null with the reason. Reads the electron
 * package's path.txt instead of require('electron'), which would try to
 * download the binary when it is missing (no network at run time).
 */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { bin: null, why: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  if (!existsSync(pathFile)) return { bin: null, why: `the Electron binary was never downloaded (${distDir} is missing)` };
  const bin = path.join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { bin, why: null } : { bin: null, why: `the Electron binary is missing (${bin})` };
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env: process.env });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!built()) {
  console.log('Building the app first (npm run build)…');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { bin, why } = electronBinary();
if (bin && process.env.NL_NO_ELECTRON !== '1') {
  run(bin, [root, ...args]);
} else {
  console.log(`Novelty Labeler: ${why ?? 'NL_NO_ELECTRON=1'}; starting the browser version instead.`);
  run(process.execPath, [path.join(root, 'bin', 'novelty-labeler.js'), 'serve', ...args]);
}
