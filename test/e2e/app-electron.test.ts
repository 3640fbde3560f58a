/**
 * The same journey as app-browser.test.ts, in the real Electron shell
 * (Playwright's _electron): preload bridge, IPC sender checks, nl-app:// and
 * nl-image:// protocols. Runs where the Electron binary is installed
 * (node_modules/electron/dist); elsewhere it is skipped and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { ROOT, ensureRendererBuilt } from './e2e-support.js';
import { checkProgress, createProjectFromFolder, exportCsv, labelSix, undoLast, type FlowContext } from './app-flow.js';

const require = createRequire(import.meta.url);

/** The Electron executable, found without require('electron') (which would try to download it). */
function electronBinary(): { bin: string | null; why: string } {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { bin: null, why: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  if (!fs.existsSync(dist) || !fs.existsSync(pathFile))
    return { bin: null, why: `no Electron binary on this machine (${dist} does not exist; it is downloaded by "npm install" where the network allows)` };
  const bin = path.join(dist, fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? { bin, why: '' } : { bin: null, why: `the Electron binary ${bin} is missing` };
}

const { bin, why } = electronBinary();

let app: ElectronApplication;
let page: Page;
let ctx: FlowContext;
const pageErrors: string[] = [];

describe.skipIf(!bin)('app in Electron (Playwright _electron, real service)', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    // compile main, preload and the service they import (npm run build does the same)
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.electron.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-e2e-electron-'));
    const subset = makeDemoSubset(4, 'nl-e2e-electron-images-');
    fs.writeFileSync(path.join(subset.images, 'broken.png'), 'not a png at all\n');
    app = await _electron.launch({
      executablePath: bin!,
      args: [ROOT, '--no-sandbox', '--disable-gpu'],
      env: { ...process.env, NL_DATA_DIR: path.join(tmp, 'data') } as Record<string, string>,
    });
    page = await app.firstWindow();
    await page.setViewportSize({ width: 1280, height: 800 });
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    ctx = { page, images: subset.images, projectPath: path.join(tmp, 'fashion.nlproj'), tmp, shots: 'electron-', entered: new Map(), order: [] };
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  it('loads the renderer from nl-app:// with the bridge and no Node in the page', async () => {
    await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
    expect(page.url()).toBe('nl-app://app/index.html');
    const probe = await page.evaluate(() => ({
      bridge: typeof (window as unknown as { noveltyLabeler?: unknown }).noveltyLabeler,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(probe).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
    // the preload runs sandboxed: it has no Node require either (only the bridge object reached the page)
    const keys = await page.evaluate(() => Object.keys((window as unknown as { noveltyLabeler: object }).noveltyLabeler).sort());
    expect(keys).toEqual(['imageUrl', 'invoke', 'on', 'pickPath']);
  });

  it('refuses navigation away and window.open', async () => {
    await page.evaluate(() => {
      window.open('https://example.com/');
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('nl-app://app/index.html');
    expect(app.windows()).toHaveLength(1);
  });

  it('creates a project, labels, undoes, retrains, exports (as in the browser test)', async () => {
    await createProjectFromFolder(ctx);
    await labelSix(ctx);
    await undoLast(ctx);
    await checkProgress(ctx);
    await exportCsv(ctx);
  }, 480_000);

  it('image protocol: by integer id only', async () => {
    const statuses = await page.evaluate(async () => {
      const out: Record<string, number> = {};
      for (const u of [
        'nl-image://img/1',
        'nl-image://img/../../etc/passwd',
        'nl-image://img/%2Fetc%2Fpasswd',
        'nl-image://img/abc',
        'nl-image://img/999999',
      ]) {
        try {
          out[u] = (await fetch(u)).status;
        } catch {
          out[u] = -1;
        }
      }
      return out;
    });
    expect(statuses['nl-image://img/1']).toBe(200);
    expect(statuses['nl-image://img/abc']).toBe(400);
    expect(statuses['nl-image://img/%2Fetc%2Fpasswd']).toBe(400);
    expect(statuses['nl-image://img/999999']).toBe(404);
    expect([400, 404]).toContain(statuses['nl-image://img/../../etc/passwd']); // URL parsing folds ".." to /etc/passwd first
  });

  it('hit no CSP violation or script error', () => {
    expect(pageErrors.filter((e) => !e.includes('example.com'))).toEqual([]);
  });
});

if (!bin) {
  console.info(`Electron e2e skipped: ${why}`);
  describe('app in Electron', () => {
    it.skip(`skipped: ${why}`, () => undefined);
  });
}
