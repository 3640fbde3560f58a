/**
 * End to end in headless Chromium: the real built renderer, the real HTTP
 * transport and the real LabelerService on a real project made from bundled
 * demo images (Fashion-MNIST items rotated by known angles). The steps are in
 * app-flow.ts (create from a folder, label five with keys and one by dragging,
 * check SQLite, undo, retrain and check the chart and latent map, export CSV).
 * Screenshots: test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';
import { makeDemoSubset, DEMO_DIR } from '../helpers/demo-subset.js';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, ensureRendererBuilt } from './e2e-support.js';
import { cancelTraining, checkProgress, createProjectFromFolder, exportCsv, labelSix, transparentCanvas, undoLast, type FlowContext } from './app-flow.js';

const hasChromium = fs.existsSync(CHROMIUM);

let svc: LabelerService;
let server: HttpTransport;
let browser: Browser;
let page: Page;
let ctx: FlowContext;
const pageErrors: string[] = [];
/** The journey is sequential: once a step fails, the later ones fail at once instead of timing out. */
let broken: string | null = null;
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  if (broken) throw new Error(`not run: an earlier step failed (${broken})`);
  try {
    await fn();
  } catch (e) {
    broken = name;
    throw e;
  }
}

describe.skipIf(!hasChromium)('app in a browser (Playwright, HTTP transport, real service)', () => {
  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-e2e-'));
    const subset = makeDemoSubset(4, 'nl-e2e-images-'); // 40 real images, 4 per class
    fs.writeFileSync(path.join(subset.images, 'broken.png'), 'not a png at all\n');
    svc = await LabelerService.create({ dataDir: path.join(tmp, 'data'), demoFolder: DEMO_DIR, autoEvaluate: true });
    server = await startHttpTransport(svc, { port: 0, staticDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith(`${server.origin}/`)) pageErrors.push(`request outside the app: ${r.url()}`);
    });
    ctx = { page, images: subset.images, projectPath: path.join(tmp, 'fashion.nlproj'), tmp, shots: '', entered: new Map(), order: [] };
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    svc?.close();
  });

  it('opens from the token URL, which is then stripped from the address bar', async () => {
    await page.goto(server.url);
    expect(page.url()).toBe(`${server.origin}/`);
    await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
    await page.getByRole('button', { name: 'Open the demo' }).waitFor();
  });

  it('creates a project from a folder: import, autoencoder training with loss per epoch, queue; unreadable files listed', async () => {
    await step('createProjectFromFolder', () => createProjectFromFolder(ctx));
  }, 300_000);

  it('labels five images with keys and one by dragging; each angle is in SQLite before the next image shows', async () => {
    await step('labelSix', () => labelSix(ctx));
  });

  it('undo (U) removes the last label and shows that image again', async () => {
    await step('undoLast', () => undoLast(ctx));
  });

  it('progress view: the learning curve gains a point after retraining, the latent map draws every image', async () => {
    await step('checkProgress', () => checkProgress(ctx));
  }, 180_000);

  it('exports CSV with the angle convention and reads back the same angles', async () => {
    await step('exportCsv', () => exportCsv(ctx));
  });

  it('shows transparent line art on a checkerboard, light or dark canvas (key B, remembered per project)', async () => {
    await step('transparentCanvas', () => transparentCanvas(ctx, path.join(ROOT, 'test', 'fixtures', 'icons-transparent')));
  }, 300_000);

  it('loaded nothing from outside the app and hit no CSP violation or script error', () => {
    expect(pageErrors).toEqual([]);
  });

  // after the error check: the cancelled request answers 409 (cancelled), which the browser logs
  it('cancels autoencoder training from its progress card; the project keeps no embeddings', async () => {
    await step('cancelTraining', () => cancelTraining(ctx));
  }, 180_000);
});

if (!hasChromium) {
  console.info(`browser e2e skipped: no Chromium at ${CHROMIUM} (set NL_CHROMIUM to its path)`);
  describe('app in a browser', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (set NL_CHROMIUM to its path)`, () => undefined);
  });
}
