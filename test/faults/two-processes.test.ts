/**
 * Faults: two processes on one project. Concurrent CLI "label"
 * commands, an import running while an annotator labels, and a labels import
 * while an annotator labels: every label is there, the file passes
 * `PRAGMA integrity_check`. A process that holds the project's write lock
 * longer than the busy timeout gets a clear "in use" answer, never a raw
 * SQLITE_BUSY, and the label goes in once the project is free. Two processes
 * opening a project of an older schema at once: one migrates, both answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../../src/main/store/schema.js';
import { DEFAULT_SETTINGS } from '../../src/shared/types.js';
import { cliEnv, cliOk, copyDemoImages, currentLabels, integrityCheck, peek, readProject, runCli, spawnCli, spawnNode, tempRoot } from './fault-helpers.js';

let root: string;
let project: string;
let env: Record<string, string>;
let more: string;

beforeAll(() => {
  root = tempRoot('nl-two-proc-');
  const images = path.join(root, 'images');
  copyDemoImages(images, 20); // 200 real images
  more = path.join(root, 'more');
  // a second folder: the next 30 of each class (copyDemoImages takes the first ones, so take 50 and drop 20)
  copyDemoImages(more, 50);
  for (const cls of fs.readdirSync(more)) {
    for (const f of fs.readdirSync(path.join(more, cls)).sort().slice(0, 20)) fs.rmSync(path.join(more, cls, f));
  }
  project = path.join(root, 'p.nlproj');
  env = cliEnv(root);
  cliOk(['init', project, '--input-size', '16', '--latent-dim', '8'], env);
  cliOk(['import', project, images], env);
  const emb = path.join(root, 'emb.csv');
  // embeddings made elsewhere (fast): a 2-D point per image from its id
  const st = readProject(project);
  expect(st.status.images.ready).toBe(200);
  fs.writeFileSync(emb, `id,e0,e1\n${Array.from({ length: 200 }, (_, i) => `${i + 1},${Math.cos(i)},${Math.sin(i * 1.7)}`).join('\n')}\n`);
  cliOk(['embed', project, '--from', emb], env);
  cliOk(['order', project, '--strategy', 'fps'], env);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const peekMeta = (file: string): string | null =>
  peek(file, (db) => (db.prepare("SELECT value FROM meta WHERE key = 'lock-holder'").pluck().get() as string | undefined) ?? null);

const lines = (text: string, prefix: string): string[] => text.split('\n').filter((l) => l.startsWith(prefix));

describe('two processes on one project', () => {
  it('five concurrent CLI label commands all commit (each also updates the recent-projects list)', async () => {
    const queue = readProject(project, 5).queue;
    expect(queue).toHaveLength(5);
    const children = queue.map((id, k) => spawnCli(['label', project, String(id), String(10 * k + 5)], env));
    const codes = await Promise.all(children.map((c) => c.exited));
    children.forEach((c, k) => {
      expect(c.stderr()).toBe('');
      expect(c.stdout()).toMatch(new RegExp(`^image ${queue[k]}: ${10 * k + 5} deg \\(label \\d+\\)\\n$`));
    });
    expect(codes).toEqual(Array(5).fill(0));
    const found = currentLabels(project);
    expect(found.size).toBe(5);
    queue.forEach((id, k) => expect(found.get(id)).toBe(10 * k + 5));
    expect(integrityCheck(project)).toBe('ok');
    // the recent-projects list they all updated is whole, with no temporary files left
    const dataDir = env.NL_DATA_DIR!;
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const recent = JSON.parse(fs.readFileSync(path.join(dataDir, 'recent-projects.json'), 'utf8')) as { path: string }[];
    expect(recent[0]!.path).toBe(project);
  });

  it('an import runs while an annotator labels: both complete, nothing lost', async () => {
    const before = currentLabels(project).size;
    const annotator = spawnNode('test/faults/label-loop-child.ts', [project, '60', '5'], env);
    await annotator.waitFor((o) => o.includes('ack '));
    const importer = spawnCli(['import', project, more], env);
    const [a, i] = await Promise.all([annotator.exited, importer.exited]);
    expect(importer.stdout()).toContain('scanned 300 files: 300 added (300 ready, 0 unreadable, 0 duplicates), 0 already in the project, 0 re-linked');
    expect(i).toBe(0);
    expect(annotator.stdout()).toContain('done 60');
    expect(a).toBe(0);
    const acks = lines(annotator.stdout(), 'ack ').map((l) => l.split(' ').slice(1).map(Number) as [number, number]);
    const found = currentLabels(project);
    expect(found.size).toBe(before + 60);
    for (const [id, angle] of acks) expect(found.get(id)).toBe(angle);
    expect(readProject(project).status.images).toEqual({ ready: 500, unreadable: 0, missing: 0, total: 500 });
    expect(integrityCheck(project)).toBe('ok');
  });

  it('a labels import runs while an annotator labels: all labels of both are there', async () => {
    const before = currentLabels(project);
    // images outside the annotator's queue (the test split, and the images imported after the last order) labeled from a CSV by id
    const st = readProject(project);
    const testIds = ((): number[] => {
      const s = new Set(st.queue);
      return Array.from({ length: 500 }, (_, k) => k + 1).filter((id) => !s.has(id) && !before.has(id));
    })();
    expect(testIds.length).toBeGreaterThan(0);
    const csv = path.join(root, 'test-labels.csv');
    fs.writeFileSync(csv, `id,angle\n${testIds.map((id) => `${id},${(id * 7) % 360}`).join('\n')}\n`);
    const annotator = spawnNode('test/faults/label-loop-child.ts', [project, '80'], env);
    await annotator.waitFor((o) => o.includes('ack '));
    const importers = [spawnCli(['labels', 'import', project, csv], env), spawnCli(['labels', 'import', project, csv], env)];
    const codes = await Promise.all([annotator.exited, ...importers.map((c) => c.exited)]);
    for (const c of importers) expect(c.stderr()).toBe('');
    // the imports take turns: the first stores the labels, the second finds them there and leaves them as they are
    expect(importers.map((c) => c.stdout()).sort()).toEqual([
      `imported 0 labels from ${csv}; ${testIds.length} already in the project with the same value, kept as they were\n`,
      `imported ${testIds.length} labels from ${csv}\n`,
    ]);
    expect(annotator.stdout()).toContain('done 80');
    expect(codes).toEqual([0, 0, 0]);
    const found = currentLabels(project);
    for (const id of testIds) expect(found.get(id)).toBe((id * 7) % 360);
    for (const [id, angle] of lines(annotator.stdout(), 'ack ').map((l) => l.split(' ').slice(1).map(Number))) expect(found.get(id!)).toBe(angle);
    expect(found.size).toBe(before.size + 80 + testIds.length);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('a process holding the write lock past the busy timeout: a clear "in use" answer, then the label goes in', async () => {
    const [id] = readProject(project, 1).queue;
    // holds the lock until it is killed (at most 60 s)
    const holder = spawnNode('test/faults/hold-lock-child.ts', [project, '60000'], env);
    await holder.waitFor((o) => o.includes('locked'));
    const r = runCli(['label', project, String(id), '123'], env);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: ${project} is in use by another process that has been writing to it for longer than 5 seconds; wait for it to finish, or close the other Novelty Labeler window or command, then try again\n`,
    );
    expect(r.code).toBe(1);
    // the other process dies holding the lock (kill -9): SQLite releases it, the project is whole
    expect(await holder.kill9()).toBe('SIGKILL');
    expect(integrityCheck(project)).toBe('ok');
    expect(currentLabels(project).has(id!)).toBe(false);
    expect(peekMeta(project)).toBe(null);
    expect(cliOk(['label', project, String(id), '123'], env)).toMatch(new RegExp(`^image ${id}: 123 deg`));
    expect(integrityCheck(project)).toBe('ok');
  });
});

describe('a reader that closes the pipe early', () => {
  it('next --json | head: the CLI stops quietly (exit 0, no EPIPE crash)', async () => {
    const child = spawnCli(['next', project, '--count', '1000', '--json'], env);
    await child.waitFor((o) => o.length > 0);
    child.proc.stdout!.destroy();
    expect(await child.exited).toBe(0);
    expect(child.stderr()).toBe('');
  });
});

describe('two processes opening a project of an older schema version at once', () => {
  it('one migrates it, the other waits and finds it migrated; both answer', async () => {
    const f = path.join(root, 'old-schema.nlproj');
    const db = new Database(f);
    db.pragma('journal_mode = WAL');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO meta(key, value) VALUES ('settings', ?)").run(JSON.stringify({ ...DEFAULT_SETTINGS, inputSize: 16 }));
    db.close();
    expect(SCHEMA_VERSION).toBeGreaterThan(1);
    // a third process holds the write lock, so both openers read version 1 and queue up for the migration
    const holder = spawnNode('test/faults/hold-lock-child.ts', [f, '60000'], env);
    await holder.waitFor((o) => o.includes('locked'));
    const openers = [spawnCli(['status', f, '--json'], env), spawnCli(['status', f, '--json'], env)];
    await new Promise((r) => setTimeout(r, 3500));
    expect(await holder.kill9()).toBe('SIGKILL');
    const codes = await Promise.all(openers.map((o) => o.exited));
    for (const o of openers) {
      expect(o.stderr()).toBe('');
      expect(JSON.parse(o.stdout())).toMatchObject({ images: { total: 0 }, labeled: 0 });
    }
    expect(codes).toEqual([0, 0]);
    expect(peek(f, (d) => d.pragma('user_version', { simple: true }))).toBe(SCHEMA_VERSION);
    expect(integrityCheck(f)).toBe('ok');
  });
});
