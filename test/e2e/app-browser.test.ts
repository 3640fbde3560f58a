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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';
import { makeDemoSubset, DEMO_DIR } from '../helpers/demo-subset.js';
import { CHROMIUM, CHROMIUM_ARGS, ROOT, ensureRendererBuilt } from './e2e-support.js';
import {
  cancelTraining,
  checkProgress,
  createProjectFromFolder,
  exportCsv,
  labelDuringSetup,
  labelSix,
  transparentCanvas,
  undoLast,
  type FlowContext,
} from './app-flow.js';

const hasChromium = fs.existsSync(CHROMIUM);

let svc: LabelerService;
let server: HttpTransport;
let browser: Browser;
let context: BrowserContext;
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
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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

  it('opens from the token URL (token in the fragment), which is then stripped from the address bar; no cookie is set', async () => {
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
    await page.getByRole('button', { name: 'Open the demo' }).waitFor();
    expect(page.url()).toBe(`${server.origin}/`);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await context.cookies()).toEqual([]);
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

  it('no credential reaches another server on 127.0.0.1; a reload keeps working, a new tab without the token is told what to open', async () => {
    // another local web service the user visits after using the app
    const seen: { url: string; cookie: string | undefined }[] = [];
    const other = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', cookie: req.headers.cookie });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>other</title><img src="/pixel.png">');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    try {
      const tab = await context.newPage();
      await tab.goto(`http://127.0.0.1:${otherPort}/`);
      await tab.waitForLoadState('networkidle');
      // the same visit under the name localhost (same site as 127.0.0.1 for some browsers' cookie rules)
      await tab.goto(`http://localhost:${otherPort}/`).catch(() => undefined);
      await tab.close();
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (const s of seen) {
        expect(s.cookie ?? '', s.url).not.toContain(server.token);
        expect(s.cookie, s.url).toBeUndefined();
      }
      expect(JSON.stringify(await context.cookies())).not.toContain(server.token);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }

    // a reload: the token comes back from this tab's sessionStorage; the API and images still work
    if (!page.url().startsWith(server.origin)) await page.goto(server.url);
    const answered = page.waitForResponse((r) => r.url() === `${server.origin}/api/app:info`);
    await page.reload();
    expect((await answered).status()).toBe(200);
    await page.waitForFunction(() => (document.getElementById('root')?.children.length ?? 0) > 0);
    expect(await page.getByRole('alert').filter({ hasText: 'access token' }).count()).toBe(0);
    expect(page.url()).toBe(`${server.origin}/`);
    const info = await page.evaluate(async () => {
      const token = sessionStorage.getItem('nl-token') ?? '';
      const s = await fetch('session', { method: 'POST', headers: { 'X-NL-Token': token } });
      const key = ((await s.json()) as { value: { viewKey: string } }).value.viewKey;
      const ids = await fetch('api/labels:list', { method: 'POST', headers: { 'X-NL-Token': token, 'Content-Type': 'application/json' }, body: '{}' });
      const listed = (await ids.json()) as { ok: boolean; value?: { imageId: number }[] };
      // the open project may be one the earlier steps made without labels: then any queued image
      const queued = await fetch('api/queue:next', {
        method: 'POST',
        headers: { 'X-NL-Token': token, 'Content-Type': 'application/json' },
        body: '{"count":1}',
      });
      const next = (await queued.json()) as { ok: boolean; value?: { imageId: number }[] };
      const id = (listed.ok ? listed.value?.[0]?.imageId : undefined) ?? (next.ok ? next.value?.[0]?.imageId : undefined);
      if (id === undefined) return { token, width: null, cookie: document.cookie };
      const img = new Image();
      img.src = `image/${key}/${id}`;
      await img.decode();
      return { token, width: img.naturalWidth, cookie: document.cookie };
    });
    expect(info.token).toBe(server.token);
    // after the labeling steps (the normal run) an image of the open project loads through this page's view key
    if (broken === null && ctx.order.length > 0) expect(info.width).toBeGreaterThan(0);
    expect(info.cookie).toBe('');

    // a new tab (own sessionStorage) without the fragment: told to open the printed address
    const fresh = await context.newPage();
    await fresh.goto(`${server.origin}/`);
    await fresh.getByRole('alert').filter({ hasText: 'open the address printed by' }).waitFor();
    await fresh.close();
  });

  // after the error check (as the next one): the cancelled request answers 409 (cancelled), which the browser logs
  it('labels before the setup ends, in the provisional order; cancelling the training keeps the labels', async () => {
    await step('labelDuringSetup', () => labelDuringSetup(ctx));
  }, 180_000);

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
