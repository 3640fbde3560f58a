/**
 * One label, one request: in headless Chromium over the real HTTP transport,
 * every label accepted in the labeling view (Enter, N) and every skip (S)
 * makes exactly one API call (label:set / label:skip), which brings the
 * status, the image after the prefetched one and the model's guesses. The
 * service is given a long guess budget so that the guesses always come in
 * that answer (a slow model would otherwise cost one queue:predict more).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { mulberry32 } from '../../src/shared/random.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt } from './e2e-support.js';

const hasChromium = fs.existsSync(CHROMIUM);

let svc: LabelerService;
let server: HttpTransport;
let browser: Browser;
let page: Page;
/** API operations the page called, in order (the event stream is a GET and not counted). */
const calls: string[] = [];

async function shownId(): Promise<string> {
  return (await page.getByTestId('stage').getAttribute('data-image-id')) ?? '';
}

/** Press a key on the image shown, wait for the next one, and return the API calls that made it happen. */
async function actAndCount(key: string): Promise<string[]> {
  const before = await shownId();
  const from = calls.length;
  await page.keyboard.press(key);
  await page.waitForFunction((id) => document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') !== id, before, { timeout: 20_000 });
  // let any follow-up call (a late guess, a status refresh) go out before counting
  await page.waitForTimeout(400);
  return calls.slice(from);
}

describe.skipIf(!hasChromium)('labeling view: requests per label (Playwright, HTTP transport)', () => {
  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-requests-'));
    const subset = makeDemoSubset(3, 'nl-requests-images-'); // 30 real images
    svc = await LabelerService.create({ dataDir: path.join(tmp, 'data'), autoEvaluate: true, guessBudgetMs: 60_000, annotator: 'tester' });
    await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj'), settings: { inputSize: 32, testFraction: 0.2 } });
    await svc.invoke('images:import', { folder: subset.images });
    // embeddings from a file (no training: the test is about requests, not the latent space)
    const rnd = mulberry32(5);
    const rows = svc.project.listPoolImages().map((img) => `${img.id},${[0, 1, 2, 3].map(() => rnd().toFixed(6)).join(',')}`);
    const embFile = path.join(tmp, 'emb.csv');
    fs.writeFileSync(embFile, `id,e0,e1,e2,e3\n${rows.join('\n')}\n`);
    await svc.invoke('embed:run', { fromFile: embFile });
    await svc.invoke('order:run', {});
    server = await startHttpTransport(svc, { port: 0, staticDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('request', (r) => {
      const m = /\/api\/([a-z:-]+)$/.exec(r.url());
      if (m && r.method() === 'POST') calls.push(m[1]!);
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    svc?.close();
  });

  it('one request per label and per skip, with the next image already prefetched', async () => {
    // the app reattaches to the project the service has open and goes to labeling
    await page.goto(server.url);
    await page.getByTestId('label-image').waitFor({ timeout: 60_000 });
    await page.getByTestId('prefetch-image').waitFor({ state: 'attached' });
    await page.waitForTimeout(400);
    const perAction: string[][] = [];
    for (const key of ['Enter', '2', 'Enter', 'Enter', 'n', 's', 'Enter', 'Enter']) {
      if (key === '2') {
        await page.keyboard.press(key); // sets the angle: no request
        continue;
      }
      perAction.push(await actAndCount(key));
    }
    expect(perAction).toEqual([['label:set'], ['label:set'], ['label:set'], ['label:set'], ['label:skip'], ['label:set'], ['label:set']]);
    // every label is in the project, the skip is not
    const labels = await svc.invoke('labels:list', {});
    expect(labels).toHaveLength(6);
  }, 120_000);
});

if (!hasChromium) {
  console.info(`request-count e2e skipped: no Chromium at ${CHROMIUM} (set NL_CHROMIUM to its path)`);
  describe('labeling view: requests per label', () => {
    it.skip(`skipped: no Chromium at ${CHROMIUM} (set NL_CHROMIUM to its path)`, () => undefined);
  });
}
