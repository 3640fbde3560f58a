/**
 * End to end, in headless Chromium: the real built renderer, the real HTTP
 * transport and the real LabelerService on a real project made from bundled
 * demo images (Fashion-MNIST items rotated by known angles). Creates a project
 * from a folder, waits for import and autoencoder training, labels five images
 * with keys and one by dragging, checks the angles in SQLite, undoes one,
 * retrains and sees the chart gain points and the latent map draw, exports CSV
 * and reads it back. Screenshots go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { csvParse } from 'd3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';
import { makeDemoSubset, DEMO_DIR, type DemoSubset } from '../helpers/demo-subset.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureRendererBuilt, pointAt, screenshotPath } from './e2e-support.js';

const hasChromium = fs.existsSync(CHROMIUM);

let tmp: string;
let subset: DemoSubset;
let svc: LabelerService;
let server: HttpTransport;
let browser: Browser;
let page: Page;
let projectPath: string;
const pageErrors: string[] = [];
/** image id -> angle we entered (null = no orientation) */
const entered = new Map<number, number | null>();
const order: number[] = [];

function currentLabels(): Map<number, { angle: number | null; durationMs: number | null; test: boolean }> {
  const db = new Database(projectPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.image_id, c.angle_deg, c.duration_ms, i.in_test_split FROM current_labels c JOIN images i ON i.id = c.image_id`,
      )
      .all() as { image_id: number; angle_deg: number | null; duration_ms: number | null; in_test_split: number }[];
    return new Map(rows.map((r) => [r.image_id, { angle: r.angle_deg, durationMs: r.duration_ms, test: r.in_test_split === 1 }]));
  } finally {
    db.close();
  }
}

async function shownImageId(): Promise<number> {
  const v = await page.getByTestId('stage').getAttribute('data-image-id');
  return Number(v);
}

/** Press Enter and wait until a different image is on screen; returns the new id. */
async function acceptAndWait(prev: number): Promise<number> {
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') !== String(id), prev, { timeout: 20_000 });
  return shownImageId();
}

describe.skipIf(!hasChromium)('app in a browser (Playwright, real service)', () => {
  beforeAll(async () => {
    const staticDir = await ensureRendererBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-e2e-'));
    subset = makeDemoSubset(4, 'nl-e2e-images-'); // 40 real images, 10 classes
    fs.writeFileSync(path.join(subset.images, 'broken.png'), 'not a png at all\n');
    projectPath = path.join(tmp, 'fashion.nlproj');
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
      if (!r.url().startsWith(server.origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) pageErrors.push(`remote request ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    svc?.close();
  });

  it('opens the start page from the token URL (token stripped from the address)', async () => {
    await page.goto(server.url);
    expect(page.url()).toBe(`${server.origin}/`);
    await expect(page.getByRole('heading', { name: 'Novelty Labeler' }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Open the demo' }).waitFor();
  });

  it('creates a project from a folder: import, autoencoder training with loss, queue order; unreadable files listed', async () => {
    await page.locator('input[name="folder"]').fill(subset.images);
    await expect(page.locator('input[name="projectPath"]').inputValue()).resolves.toBe(`${subset.images}.nlproj`);
    await page.locator('input[name="projectPath"]').fill(projectPath);
    await page.getByText('Options').click();
    await page.locator('input[name="epochs"]').fill('3');
    await page.getByRole('button', { name: 'Create project and import' }).click();

    const table = page.getByRole('table', { name: 'Unreadable files' });
    await table.waitFor({ timeout: 60_000 });
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);
    await expect(table.locator('tbody tr td').first().textContent()).resolves.toBe(path.join(subset.images, 'broken.png'));
    await expect(page.locator('.import-summary').textContent()).resolves.toContain('40 ready');

    await page.getByRole('button', { name: 'Start labeling' }).waitFor({ timeout: 180_000 });
    const embed = page.locator('.job-card[data-stage="embed"]');
    await expect(embed.getAttribute('data-state')).resolves.toBe('done');
    await expect(embed.locator('.job-count').textContent()).resolves.toBe('3 / 3 epochs');
    await expect(embed.locator('.loss-list li').count()).resolves.toBe(3);
    const importCard = page.locator('.job-card[data-stage="import"]');
    await expect(importCard.getAttribute('data-state')).resolves.toBe('done');
    await expect(importCard.locator('.job-count').textContent()).resolves.toMatch(/^41 \/ 41 images$/);
    await page.screenshot({ path: screenshotPath('setup.png') });
    await page.getByRole('button', { name: 'Start labeling' }).click();
    await page.getByTestId('label-image').waitFor();
  });

  it('labels five images with keys and one by dragging; every angle is in SQLite before the next image shows', async () => {
    const keyed: { keys: string[]; angle: number }[] = [
      { keys: ['2', 'ArrowRight', 'ArrowRight', 'ArrowRight'], angle: 93 },
      { keys: ['3', 'Shift+ArrowLeft'], angle: 165 },
      { keys: ['4', 'ArrowLeft'], angle: 269 },
      { keys: ['1', 'Shift+ArrowRight', 'Shift+ArrowRight'], angle: 30 },
      { keys: ['1', 'ArrowLeft'], angle: 359 },
    ];
    let id = await shownImageId();
    const testIds = new Set((svc.project.listImages().filter((i) => i.inTestSplit).map((i) => i.id) as number[]));
    for (const [n, k] of keyed.entries()) {
      // the mark matches the split: test images are clearly marked
      await expect(page.getByTestId('test-banner').isVisible()).resolves.toBe(testIds.has(id));
      for (const key of k.keys) await page.keyboard.press(key);
      await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe(`${k.angle}°`);
      await expect(page.getByTestId('arrow').getAttribute('data-angle')).resolves.toBe(String(k.angle));
      // the next image is already in the page (prefetched)
      const prefetched = Number(await page.getByTestId('prefetch-image').getAttribute('src').then((s) => s!.split('/').pop()));
      if (n === 1) await page.screenshot({ path: screenshotPath('labeling.png') });
      const next = await acceptAndWait(id);
      expect(next).toBe(prefetched);
      const stored = currentLabels();
      expect(stored.get(id)?.angle).toBe(k.angle);
      expect(stored.size).toBe(n + 1);
      entered.set(id, k.angle);
      order.push(id);
      id = next;
    }

    // Drag: press on the image and release at a point 135 degrees clockwise from up (down-right).
    const box = (await page.getByTestId('angle-overlay').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const from = pointAt(cx, cy, 300, 60);
    const to = pointAt(cx, cy, 135, 150);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('300°');
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('135°');
    await page.screenshot({ path: screenshotPath('labeling-drag.png') });
    const afterDrag = await acceptAndWait(id);
    entered.set(id, 135);
    order.push(id);

    const stored = currentLabels();
    expect(stored.size).toBe(6);
    for (const [imageId, angle] of entered) {
      expect(stored.get(imageId)?.angle, `image ${imageId}`).toBe(angle);
      expect(stored.get(imageId)!.durationMs).toBeGreaterThan(0);
    }
    // The labeling order asked for test-split images (the curve needs them) and queue images.
    const kinds = order.map((i) => stored.get(i)!.test);
    expect(kinds.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((t) => !t).length).toBeGreaterThanOrEqual(2);
    expect(afterDrag).not.toBe(id);
  });

  it('undo (U) removes the last label and shows that image again with its angle', async () => {
    const last = order[order.length - 1]!;
    await page.keyboard.press('u');
    await page.waitForFunction((i) => document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') === String(i), last, { timeout: 10_000 });
    await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('135°');
    const stored = currentLabels();
    expect(stored.size).toBe(5);
    expect(stored.has(last)).toBe(false);
    const db = new Database(projectPath, { readonly: true });
    const undone = db.prepare('SELECT angle_deg, undone_at FROM labels WHERE image_id = ?').get(last) as { angle_deg: number; undone_at: string | null };
    db.close();
    expect(undone.angle_deg).toBe(135);
    expect(undone.undone_at).not.toBeNull();
    entered.delete(last);
  });

  it('progress view: the learning curve gains points after retraining and the latent map draws every image', async () => {
    await page.getByRole('button', { name: 'Progress', exact: true }).click();
    const map = page.getByTestId('latent-map');
    await map.locator('circle.latent-point').first().waitFor();
    await expect(map.locator('circle.latent-point').count()).resolves.toBe(40);
    await expect(map.locator('circle.latent-point.labeled').count()).resolves.toBe(5);
    await expect(map.locator('circle.latent-point.next').count()).resolves.toBeGreaterThan(0);
    const before = await page.locator('[data-testid="learning-curve"] circle.curve-point').count();
    expect(before).toBe(0);
    await page.getByRole('button', { name: 'Retrain now' }).click();
    await page.locator('[data-testid="learning-curve"] circle.curve-point').first().waitFor({ timeout: 120_000 });
    const after = await page.locator('[data-testid="learning-curve"] circle.curve-point').count();
    expect(after).toBeGreaterThan(before);
    const points = await svc.invoke('curve:get', {});
    expect(points.length).toBe(after);
    const trainLabeled = [...currentLabels().values()].filter((l) => !l.test && l.angle !== null).length;
    expect(points.map((p) => p.size)).toContain(trainLabeled);
    // hover shows the values of the nearest point
    const dot = page.locator('[data-testid="learning-curve"] circle.curve-point').first();
    const b = (await dot.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.getByRole('tooltip').waitFor();
    await expect(page.getByRole('tooltip').textContent()).resolves.toContain(`${points[0]!.maeDeg.toFixed(1)}°`);
    await page.screenshot({ path: screenshotPath('progress.png') });
  });

  it('exports CSV with the angle convention and reads back the same angles', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export labels' });
    await expect(dialog.getByTestId('angle-convention').textContent()).resolves.toContain('clockwise from image up');
    const out = path.join(tmp, 'labels.csv');
    await dialog.locator('input[value="csv"]').check();
    await dialog.locator('input[name="out"]').fill(out);
    await page.screenshot({ path: screenshotPath('export.png') });
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByTestId('export-result').waitFor({ timeout: 30_000 });
    await expect(dialog.getByTestId('export-result').textContent()).resolves.toBe(`Exported 5 labels to ${out}`);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# novelty-labeler labels: .*clockwise/);
    const rows = csvParse(text.split('\n').slice(1).join('\n'));
    expect(rows).toHaveLength(5);
    const bySha = new Map(svc.project.listImages().map((i) => [i.sha256, i.id as number]));
    for (const r of rows) {
      const id = bySha.get(r.sha256!)!;
      expect(Number(r.angle), r.path).toBe(entered.get(id));
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('loaded nothing remote and hit no CSP violation or script error', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(hasChromium)('app in a browser', () => {
  it(`skipped: no Chromium at ${CHROMIUM} (set NL_CHROMIUM)`, () => undefined);
});
