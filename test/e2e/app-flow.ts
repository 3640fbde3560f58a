/**
 * The user journey in the app, as steps over a Playwright Page, shared by the
 * browser test (HTTP transport) and the Electron test (preload bridge). Every
 * check reads the project file itself with better-sqlite3, so the steps do not
 * depend on how the page reaches the service.
 */
import { MIN_VIEW_MS } from '../../src/renderer/lib/labeling-session.js';
import { expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { csvParse } from 'd3';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { pointAt, screenshotPath } from './e2e-support.js';

export interface FlowContext {
  readonly page: Page;
  /** Folder of images to import (40 ready images + 1 unreadable "broken.png"). */
  readonly images: string;
  readonly projectPath: string;
  readonly tmp: string;
  /** Screenshot name prefix ('' for the browser, 'electron-' for Electron). */
  readonly shots: string;
  /** image id -> angle entered (filled by the steps) */
  readonly entered: Map<number, number | null>;
  readonly order: number[];
}

interface StoredLabel {
  readonly angle: number | null;
  readonly durationMs: number | null;
  readonly test: boolean;
}

function withDb<T>(ctx: FlowContext, fn: (db: Database.Database) => T): T {
  const db = new Database(ctx.projectPath, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function currentLabels(ctx: FlowContext): Map<number, StoredLabel> {
  return withDb(ctx, (db) => {
    const rows = db
      .prepare('SELECT c.image_id, c.angle_deg, c.duration_ms, i.in_test_split FROM current_labels c JOIN images i ON i.id = c.image_id')
      .all() as { image_id: number; angle_deg: number | null; duration_ms: number | null; in_test_split: number }[];
    return new Map(rows.map((r) => [r.image_id, { angle: r.angle_deg, durationMs: r.duration_ms, test: r.in_test_split === 1 }]));
  });
}

async function shownImageId(page: Page): Promise<number> {
  return Number(await page.getByTestId('stage').getAttribute('data-image-id'));
}

/** Where the four action buttons are on screen (x, y, width, height, rounded to 0.1 px). */
async function actionBoxes(page: Page): Promise<string> {
  const boxes = await page.locator('.actions button').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return [r.x, r.y, r.width, r.height].map((v) => v.toFixed(1)).join(',');
    }),
  );
  expect(boxes).toHaveLength(4);
  return boxes.join(' ');
}

async function acceptAndWait(page: Page, prev: number): Promise<number> {
  // the app takes a label only from an image on screen for MIN_VIEW_MS (a double Enter must not label the next one)
  await page.waitForTimeout(MIN_VIEW_MS);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') !== String(id), prev, { timeout: 20_000 });
  return shownImageId(page);
}

/** Fill the create-from-folder form (the autoencoder, to see training) and wait for import, 3 epochs and the order. */
export async function createProjectFromFolder(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  await page.locator('input[name="folder"]').fill(ctx.images);
  await expect(page.locator('input[name="projectPath"]').inputValue()).resolves.toBe(`${ctx.images}.nlproj`);
  await page.locator('input[name="projectPath"]').fill(ctx.projectPath);
  await page.getByText('Options').click();
  await page.locator('input[name="epochs"]').fill('3');
  // the main settings are offered with the defaults selected; pick a smaller input size
  await expect(page.locator('select[name="strategy"]').inputValue()).resolves.toBe('probcover');
  await expect(page.locator('select[name="orientationModel"]').inputValue()).resolves.toBe('aligned-exemplar');
  await expect(page.locator('select[name="embedder"]').inputValue()).resolves.toBe('polar-fourier');
  await page.locator('select[name="embedder"]').selectOption('autoencoder');
  await page.locator('select[name="inputSize"]').selectOption('48');
  await page.locator('input[name="testPercent"]').fill('15');
  await page.getByRole('button', { name: 'Create project and import' }).click();

  const table = page.getByRole('table', { name: 'Unreadable files' });
  await table.waitFor({ timeout: 60_000 });
  await expect(table.locator('tbody tr').count()).resolves.toBe(1);
  await expect(table.locator('tbody tr td').first().textContent()).resolves.toBe(path.join(ctx.images, 'broken.png'));
  await expect(table.locator('tbody tr td').nth(1).textContent()).resolves.toMatch(/\S/);
  await expect(page.locator('.import-summary').textContent()).resolves.toContain('40 ready');

  const start = page.getByRole('button', { name: 'Start labeling', exact: true });
  const failed = page.locator('.setup-view [role="alert"]');
  await Promise.race([start.waitFor({ timeout: 240_000 }), failed.waitFor({ timeout: 240_000 })]);
  if (await failed.count()) throw new Error(`setup failed in the app: ${await failed.textContent()}`);
  const embed = page.locator('.job-card[data-stage="embed"]');
  await expect(embed.getAttribute('data-state')).resolves.toBe('done');
  await expect(embed.locator('.job-count').textContent()).resolves.toBe('3 / 3 epochs');
  const losses = await embed.locator('.loss-list li span:last-child').allTextContents();
  expect(losses).toHaveLength(3);
  for (const l of losses) expect(Number(l)).toBeGreaterThan(0);
  const importCard = page.locator('.job-card[data-stage="import"]');
  await expect(importCard.getAttribute('data-state')).resolves.toBe('done');
  await expect(importCard.locator('.job-count').textContent()).resolves.toBe('41 / 41 images');
  await page.screenshot({ path: screenshotPath(`${ctx.shots}setup.png`) });
  await start.click();
  await page.getByTestId('label-image').waitFor();
  // the embeddings and the order are in the project file, with the settings chosen in the form
  withDb(ctx, (db) => {
    const settings = JSON.parse(db.prepare("SELECT value FROM meta WHERE key = 'settings'").pluck().get() as string) as {
      inputSize: number;
      testFraction: number;
      strategy: string;
    };
    expect([settings.inputSize, settings.testFraction, settings.strategy]).toEqual([48, 0.15, 'probcover']);
    expect(db.prepare('SELECT COUNT(*) FROM embeddings').pluck().get()).toBe(40);
    expect(db.prepare('SELECT COUNT(*) FROM orders WHERE active = 1').pluck().get()).toBe(1);
  });
}

/** Five images with keys, one by dragging; every angle in SQLite before the next image shows. */
export async function labelSix(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  const keyed: { keys: string[]; angle: number }[] = [
    { keys: ['2', 'ArrowRight', 'ArrowRight', 'ArrowRight'], angle: 93 },
    { keys: ['3', 'Shift+ArrowLeft'], angle: 165 },
    { keys: ['4', 'ArrowLeft'], angle: 269 },
    { keys: ['1', 'Shift+ArrowRight', 'Shift+ArrowRight'], angle: 30 },
    { keys: ['1', 'ArrowLeft'], angle: 359 },
  ];
  // ? shows the keys, Esc hides them
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  await expect(help.textContent()).resolves.toContain('Shift + ← / →');
  await page.screenshot({ path: screenshotPath(`${ctx.shots}keys-help.png`) });
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  const testIds = new Set(withDb(ctx, (db) => db.prepare('SELECT id FROM images WHERE in_test_split = 1').pluck().all() as number[]));
  let id = await shownImageId(page);
  let guessesSeen = 0;
  // Fixed layout: the buttons stay where they are on queue and test images, with and without a guess.
  const layout = await actionBoxes(page);
  const imageBox = JSON.stringify(await page.getByTestId('label-image').boundingBox());
  for (const [n, k] of keyed.entries()) {
    await expect(actionBoxes(page)).resolves.toBe(layout);
    await expect(
      page
        .getByTestId('label-image')
        .boundingBox()
        .then((b) => JSON.stringify(b)),
    ).resolves.toBe(imageBox);
    await expect(page.getByTestId('test-banner').isVisible()).resolves.toBe(testIds.has(id));
    if (testIds.has(id)) {
      // test images start at 0 and never show the model's guess (their labels stay independent of the model)
      await expect(page.getByTestId('angle-guess').count()).resolves.toBe(0);
      await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('0°');
    } else if (n >= 2) {
      // a queue image prefetched after the first label starts at the exemplar model's guess
      const guess = page.getByTestId('angle-guess');
      await guess.waitFor();
      const readout = await page.getByTestId('angle-readout').textContent();
      await expect(guess.textContent()).resolves.toContain(`guess ${readout} (`);
      await expect(guess.textContent()).resolves.toMatch(/from (1 label|\d+ labels)\)/);
      await expect(actionBoxes(page)).resolves.toBe(layout); // the guess line arrived without moving anything
      guessesSeen++;
    }
    for (const key of k.keys) await page.keyboard.press(key);
    await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe(`${k.angle}°`);
    await expect(page.getByTestId('arrow').getAttribute('data-angle')).resolves.toBe(String(k.angle));
    const src = await page.getByTestId('prefetch-image').getAttribute('src');
    const prefetched = Number(/(\d+)$/.exec(src!)![1]);
    if (n === 1) await page.screenshot({ path: screenshotPath(`${ctx.shots}labeling.png`) });
    const next = await acceptAndWait(page, id);
    expect(next).toBe(prefetched);
    const stored = currentLabels(ctx);
    expect(stored.get(id)?.angle).toBe(k.angle);
    expect(stored.size).toBe(n + 1);
    ctx.entered.set(id, k.angle);
    ctx.order.push(id);
    id = next;
  }

  expect(guessesSeen).toBeGreaterThanOrEqual(1);
  // Clicking the guess toggle (off, on) leaves the keyboard shortcuts working.
  await page.getByTestId('guess-toggle').click();
  await page.getByTestId('guess-toggle').click();
  await expect(page.getByTestId('guess-toggle').isChecked()).resolves.toBe(true);
  await page.keyboard.press('3');
  await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('180°');
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
  // the arrow's head is drawn where the pointer went: 135 degrees clockwise from up, on screen
  const head = (await page.locator('.arrow-head').first().boundingBox())!;
  const hx = head.x + head.width / 2 - cx;
  const hy = head.y + head.height / 2 - cy;
  const drawn = ((Math.atan2(hx, -hy) * 180) / Math.PI + 360) % 360;
  expect(Math.abs(drawn - 135)).toBeLessThan(2);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}labeling-drag.png`) });
  await acceptAndWait(page, id);
  ctx.entered.set(id, 135);
  ctx.order.push(id);

  const stored = currentLabels(ctx);
  expect(stored.size).toBe(6);
  for (const [imageId, angle] of ctx.entered) {
    expect(stored.get(imageId)?.angle, `image ${imageId}`).toBe(angle);
    expect(stored.get(imageId)!.durationMs).toBeGreaterThan(0);
  }
  const kinds = ctx.order.map((i) => stored.get(i)!.test);
  expect(kinds.filter(Boolean).length).toBeGreaterThanOrEqual(2); // test images were asked for
  expect(kinds.filter((t) => !t).length).toBeGreaterThanOrEqual(2);
}

/** U removes the last label and shows its image again with the angle it had. */
export async function undoLast(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  const last = ctx.order[ctx.order.length - 1]!;
  await page.keyboard.press('u');
  await page.waitForFunction((i) => document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') === String(i), last, { timeout: 10_000 });
  await expect(page.getByTestId('angle-readout').textContent()).resolves.toBe('135°');
  await expect(page.getByTestId('angle-guess').count()).resolves.toBe(0); // it shows its label again, not a guess
  const stored = currentLabels(ctx);
  expect(stored.size).toBe(5);
  expect(stored.has(last)).toBe(false);
  const undone = withDb(ctx, (db) => db.prepare('SELECT angle_deg, undone_at FROM labels WHERE image_id = ?').get(last)) as {
    angle_deg: number;
    undone_at: string | null;
  };
  expect(undone.angle_deg).toBe(135);
  expect(undone.undone_at).not.toBeNull();
  ctx.entered.delete(last);
}

/** Progress view: the latent map draws every image; retraining adds a curve point; hover shows its values. */
export async function checkProgress(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  await page.getByRole('button', { name: 'Progress', exact: true }).click();
  const testLabeled = withDb(
    ctx,
    (db) => db.prepare('SELECT COUNT(*) FROM current_labels l JOIN images i ON i.id = l.image_id WHERE i.in_test_split = 1').pluck().get() as number,
  );
  await expect(page.getByTestId('curve-noise-note').textContent()).resolves.toContain(`Only ${testLabeled} labeled test images`);
  const map = page.getByTestId('latent-map');
  await map.locator('circle.latent-point').first().waitFor();
  await expect(map.locator('circle.latent-point').count()).resolves.toBe(40);
  // labeled test-split images stay drawn as test split (held out), the labeled ones are the training labels
  const testSplit = withDb(ctx, (db) => db.prepare("SELECT COUNT(*) FROM images WHERE in_test_split = 1 AND status = 'ready'").pluck().get() as number);
  await expect(map.locator('circle.latent-point.labeled').count()).resolves.toBe(5 - testLabeled);
  await expect(map.locator('circle.latent-point.test').count()).resolves.toBe(testSplit);
  await expect(map.locator('.legend').textContent()).resolves.toContain(`test split (held out) ${testSplit}`);
  await expect(map.locator('circle.latent-point.next').count()).resolves.toBeGreaterThan(0);
  const curve = page.locator('[data-testid="learning-curve"] circle.curve-point');
  const before = await curve.count();
  expect(before).toBe(withDb(ctx, (db) => db.prepare('SELECT COUNT(*) FROM curve_points').pluck().get() as number));
  await page.getByRole('button', { name: 'Retrain now' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="learning-curve"] circle.curve-point').length > n, before, { timeout: 120_000 });
  const after = await curve.count();
  expect(after).toBeGreaterThan(before);
  const rows = withDb(ctx, (db) => db.prepare('SELECT size, mae_deg FROM curve_points ORDER BY id').all() as { size: number; mae_deg: number }[]);
  expect(rows.length).toBe(after);
  const trainLabeled = [...currentLabels(ctx).values()].filter((l) => !l.test && l.angle !== null).length;
  expect(rows.map((r) => r.size)).toContain(trainLabeled);
  // hover the newest point (the chart redraws on events, so locate it at the moment of hovering)
  await page.waitForTimeout(300);
  const centre = await page.evaluate(() => {
    const dots = document.querySelectorAll('[data-testid="learning-curve"] circle.curve-point');
    const r = dots[dots.length - 1]!.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  });
  await page.mouse.move(centre.x - 3, centre.y - 3);
  await page.mouse.move(centre.x, centre.y, { steps: 3 });
  await page.getByRole('tooltip').waitFor();
  await expect(page.getByRole('tooltip').textContent()).resolves.toContain(`${rows[rows.length - 1]!.mae_deg.toFixed(1)}°`);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}progress.png`) });
}

/** Export CSV through the dialog and read the same angles back. */
export async function exportCsv(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export labels' });
  await expect(dialog.getByTestId('angle-convention').textContent()).resolves.toContain('clockwise from image up');
  const out = path.join(ctx.tmp, 'labels.csv');
  await dialog.locator('input[value="csv"]').check();
  await dialog.locator('input[name="out"]').fill(out);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}export.png`) });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await dialog.getByTestId('export-result').waitFor({ timeout: 30_000 });
  await expect(dialog.getByTestId('export-result').textContent()).resolves.toBe(`Exported 5 labels to ${out}`);
  const text = fs.readFileSync(out, 'utf8');
  // a plain CSV: header first, the convention in an angle_convention column, the settings in the sidecar
  const rows = csvParse(text);
  expect(rows.columns[0]).toBe('path');
  expect(rows).toHaveLength(5);
  for (const r of rows) expect(r.angle_convention).toMatch(/^degrees clockwise from image up/);
  expect(JSON.parse(fs.readFileSync(out.replace(/\.csv$/, '.meta.json'), 'utf8')).angle.direction).toBe('clockwise');
  const bySha = new Map(
    withDb(ctx, (db) => db.prepare('SELECT sha256, id FROM images').all() as { sha256: string; id: number }[]).map((r) => [r.sha256, r.id]),
  );
  for (const r of rows) expect(Number(r.angle), r.path).toBe(ctx.entered.get(bySha.get(r.sha256!)!));
  await dialog.getByRole('button', { name: 'Close' }).click();
}

/**
 * Close the project (it is then listed under Recent), create a second one from
 * the same folder with a long training run, cancel it from its progress card:
 * the job ends 'cancelled', the app says so and offers Retry / Back, and the
 * project keeps no embeddings.
 */
/**
 * Labeling before the setup ends: while the autoencoder trains (500 epochs),
 * "Start labeling now" opens the labeling view in the provisional order, with
 * a bar saying so; two labels go to SQLite; Cancel in the bar stops training,
 * the bar then says so, and the labels stay.
 */
export async function labelDuringSetup(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
  const early = path.join(ctx.tmp, 'early.nlproj');
  await page.locator('input[name="folder"]').fill(ctx.images);
  await page.locator('input[name="projectPath"]').fill(early);
  await page.getByText('Options').click();
  await page.locator('input[name="epochs"]').fill('500');
  await page.locator('select[name="embedder"]').selectOption('autoencoder');
  await page.getByRole('button', { name: 'Create project and import' }).click();
  const now = page.getByRole('button', { name: 'Start labeling now' });
  await now.waitFor({ timeout: 120_000 });
  await expect(page.locator('.setup-view').getAttribute('data-step')).resolves.toMatch(/^(import|embed)$/);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}label-now.png`) });
  await now.click();
  const bar = page.getByRole('status', { name: 'Setup in progress' });
  await bar.waitFor();
  await expect(bar.textContent()).resolves.toContain('Provisional order while');
  const inEarly = <T>(fn: (db: Database.Database) => T): T => withDb({ ...ctx, projectPath: early }, fn);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="stage"]')?.getAttribute('data-image-id') ?? 0) > 0);
  let id = await shownImageId(page);
  const labeled: number[] = [];
  for (const key of ['2', '3']) {
    await page.keyboard.press(key);
    labeled.push(id);
    id = await acceptAndWait(page, id);
  }
  await page.screenshot({ path: screenshotPath(`${ctx.shots}label-provisional.png`) });
  const stored = (): number[] => inEarly((db) => db.prepare('SELECT image_id FROM labels WHERE undone_at IS NULL ORDER BY id').pluck().all() as number[]);
  expect(stored()).toEqual(labeled);
  expect(inEarly((db) => db.prepare('SELECT COUNT(*) FROM orders').pluck().get())).toBe(0);
  await bar.getByRole('button', { name: 'Cancel' }).click();
  const stopped = page.locator('.preparing-bar.failed');
  await stopped.waitFor({ timeout: 30_000 });
  await expect(stopped.textContent()).resolves.toMatch(/Setup stopped while embedding the images: .*cancel/i);
  await expect(stopped.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(1);
  expect(stored()).toEqual(labeled);
  expect(inEarly((db) => db.prepare('SELECT COUNT(*) FROM embeddings').pluck().get())).toBe(0);
}

export async function cancelTraining(ctx: FlowContext): Promise<void> {
  const { page } = ctx;
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const recent = page.getByRole('region', { name: 'Recent projects' });
  await recent.getByText(path.basename(ctx.projectPath)).waitFor();
  const second = path.join(ctx.tmp, 'second.nlproj');
  await page.locator('input[name="folder"]').fill(ctx.images);
  await page.locator('input[name="projectPath"]').fill(second);
  await page.getByText('Options').click();
  await page.locator('input[name="epochs"]').fill('500');
  await page.locator('select[name="embedder"]').selectOption('autoencoder');
  await page.getByRole('button', { name: 'Create project and import' }).click();
  const embed = page.locator('.job-card[data-stage="embed"]');
  await embed.locator('.loss-list li').first().waitFor({ timeout: 120_000 }); // at least one epoch done
  await expect(embed.locator('.job-count').textContent()).resolves.toMatch(/^\d+ \/ 500 epochs$/);
  await embed.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForFunction(() => document.querySelector('.job-card[data-stage="embed"]')?.getAttribute('data-state') === 'cancelled', undefined, {
    timeout: 30_000,
  });
  await expect(page.locator('.setup-view [role="alert"]').textContent()).resolves.toMatch(/^Cancelled: /);
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  await page.getByRole('button', { name: 'Back to projects' }).waitFor();
  await page.screenshot({ path: screenshotPath(`${ctx.shots}cancelled.png`) });
  const db = new Database(second, { readonly: true });
  try {
    expect(db.prepare('SELECT COUNT(*) FROM embeddings').pluck().get()).toBe(0);
    expect(db.prepare("SELECT COUNT(*) FROM images WHERE status = 'ready'").pluck().get()).toBe(40);
  } finally {
    db.close();
  }
  await page.getByRole('button', { name: 'Back to projects' }).click();
  await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
}

/** Pixel (x, y) of a page screenshot, as [r, g, b]. */
async function screenPixel(page: Page, x: number, y: number): Promise<number[]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0]!, data[1]!, data[2]!];
}

/**
 * Transparent line art (black icons on a transparent canvas) is shown on the
 * chosen canvas background, not on the dark stage: checkerboard by default,
 * then light and dark with B, remembered for the project. Makes a project from
 * the vendored icons (test/fixtures/icons-transparent).
 */
export async function transparentCanvas(ctx: FlowContext, iconsFolder: string): Promise<void> {
  const { page } = ctx;
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByRole('heading', { name: 'Novelty Labeler' }).waitFor();
  const project = path.join(ctx.tmp, 'icons.nlproj');
  await page.locator('input[name="folder"]').fill(iconsFolder);
  await page.locator('input[name="projectPath"]').fill(project);
  await page.getByText('Options').click();
  await page.locator('input[name="epochs"]').fill('1');
  await page.locator('select[name="inputSize"]').selectOption('48');
  await page.getByRole('button', { name: 'Create project and import' }).click();
  // with every file readable the app goes straight to labeling (no "Start labeling" step)
  const img = page.getByTestId('label-image');
  const failed = page.locator('.setup-view [role="alert"]');
  await Promise.race([img.waitFor({ timeout: 240_000 }), failed.waitFor({ timeout: 240_000 })]);
  if (await failed.count()) throw new Error(`setup failed in the app: ${await failed.textContent()}`);
  await page.waitForFunction(() => {
    const i = document.querySelector<HTMLImageElement>('[data-testid="label-image"]');
    return i !== null && i.complete && i.naturalWidth > 0;
  });
  const backdrop = page.getByTestId('image-backdrop');
  await expect(backdrop.getAttribute('data-background')).resolves.toBe('checker');
  // the backdrop covers exactly the image as drawn (square icons: a square centred in the box)
  const b = (await backdrop.boundingBox())!;
  const box = (await img.boundingBox())!;
  expect(Math.abs(b.width - b.height)).toBeLessThan(1);
  expect(Math.abs(b.x + b.width / 2 - (box.x + box.width / 2))).toBeLessThan(1);
  expect(Math.abs(b.y + b.height / 2 - (box.y + box.height / 2))).toBeLessThan(1);
  // a transparent corner of the icon shows the backdrop; the stage beside the image stays dark
  const corner = (): Promise<number[]> => screenPixel(page, b.x + 2, b.y + 2);
  const checker = await corner();
  expect([JSON.stringify([255, 255, 255]), JSON.stringify([212, 215, 221])]).toContain(JSON.stringify(checker));
  await page.screenshot({ path: screenshotPath(`${ctx.shots}transparent-checker.png`) });
  await page.keyboard.press('b');
  await expect(backdrop.getAttribute('data-background')).resolves.toBe('light');
  expect(await corner()).toEqual([238, 240, 243]);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}transparent-light.png`) });
  await page.keyboard.press('b');
  await expect(backdrop.getAttribute('data-background')).resolves.toBe('dark');
  expect(await corner()).toEqual([31, 36, 48]);
  await page.screenshot({ path: screenshotPath(`${ctx.shots}transparent-dark.png`) });
  // remembered for this project
  const stored = await page.evaluate((p) => localStorage.getItem(`novelty-labeler.canvas-background:${p}`), project);
  expect(stored).toBe('dark');
  await page.keyboard.press('b');
  await expect(backdrop.getAttribute('data-background')).resolves.toBe('checker');
  // a long file name is cut in the middle and kept whole in the tooltip
  const name = page.getByTestId('file-name');
  const full = await name.getAttribute('title');
  expect(full).toMatch(/\.png$/);
  await expect(name.locator('.me-tail').textContent()).resolves.toBe(full!.slice(-12));
  const fits = await name.evaluate((e) => e.getBoundingClientRect().right <= (e.closest('.side-panel')?.getBoundingClientRect().right ?? 0));
  expect(fits).toBe(true);
}
