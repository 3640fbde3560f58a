/**
 * Faults: a training run that fails reports why and leaves the
 * previous model, embeddings, queue and learning curve in use (status and
 * queue before == after): an embed run forced on a backend that cannot load,
 * an embed run interrupted (Ctrl+C) mid-training, and an orientation-model
 * training (evaluate) on a corrupt stored encoder; then the advised fix works.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeEmbeddings, cliEnv, cliOk, copyDemoImages, countRows, integrityCheck, peek, readProject, runCli, spawnCli, tempRoot } from './fault-helpers.js';

let root: string;
let project: string;
let env: Record<string, string>;

/** Everything a failed run must leave as it was. */
function snapshot(): unknown {
  const { status, queue } = readProject(project);
  return {
    status,
    queue,
    embeddings: activeEmbeddings(project),
    models: peek(project, (db) => db.prepare('SELECT id, kind, length(weights) AS bytes FROM models ORDER BY id').all()),
    labels: countRows(project, 'labels'),
  };
}

beforeAll(() => {
  root = tempRoot('nl-train-fail-');
  const images = path.join(root, 'images');
  copyDemoImages(images, 20); // 200 real images
  project = path.join(root, 'p.nlproj');
  env = cliEnv(root);
  // The regressor: it trains from the stored encoder, which the corrupt-model case below damages
  // (the exemplar model needs no encoder).
  cliOk(
    ['init', project, '--input-size', '16', '--latent-dim', '8', '--test-fraction', '0.2', '--orientation-model', 'regressor', '--embedder', 'autoencoder'],
    env,
  );
  cliOk(['import', project, images], env);
  cliOk(['embed', project, '--epochs', '1', '--backend', 'wasm'], env);
  cliOk(['order', project, '--strategy', 'fps'], env);
  // label the 40 test-split images and 30 queue images (any angles: only failure handling is tested)
  const { queue } = readProject(project);
  const test = peek(project, (db) => db.prepare('SELECT id FROM images WHERE in_test_split = 1 ORDER BY id').pluck().all() as number[]);
  expect(test).toHaveLength(40);
  const csv = path.join(root, 'labels.csv');
  fs.writeFileSync(csv, `id,angle\n${[...test, ...queue.slice(0, 30)].map((id) => `${id},${(id * 53) % 360}`).join('\n')}\n`);
  cliOk(['labels', 'import', project, csv], env);
  cliOk(['evaluate', project, '--backend', 'wasm'], env);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A native backend package that is not installed here (they are optional dependencies). */
function absentNativeBackend(): { backend: string; pkg: string } | null {
  const require = createRequire(import.meta.url);
  for (const [backend, pkg] of [
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ['tensorflow', '@tensorflow/tfjs-node'],
  ] as const) {
    try {
      require.resolve(pkg);
    } catch {
      return { backend, pkg };
    }
  }
  return null;
}

describe('a training run that fails', () => {
  const absent = absentNativeBackend();
  it.skipIf(absent === null)('embed forced on a backend that cannot load: says which and why; nothing changes', () => {
    const before = snapshot();
    expect(readProject(project).status.curve).toHaveLength(1);
    const r = runCli(['embed', project, '--epochs', '1', '--backend', absent!.backend], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      new RegExp(
        `^error: backend "${absent!.backend}" is not available here \\(${absent!.backend}: Cannot find (package|module) '${absent!.pkg.replace('/', '\\/')}'.*\\); use --backend auto to take the fastest one present$`,
      ),
    );
    expect(snapshot()).toEqual(before);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('embed that runs out of memory: says so and what to do; nothing changes', () => {
    const before = snapshot();
    // A 16 MB heap limit for the job's worker thread makes the training run out of memory.
    const r = runCli(['embed', project, '--epochs', '1', '--backend', 'wasm'], { ...env, NL_JOB_HEAP_MB: '16' });
    expect(r.code).toBe(1);
    const err = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(err).toEqual([
      'error: embed ran out of memory (heap limit 16 MB); nothing was written and the previous model, embeddings and order stay in use; try a smaller --input-size or fewer images',
    ]);
    expect(snapshot()).toEqual(before);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('embed interrupted with Ctrl+C mid-training: reports the cancel; nothing changes', async () => {
    const before = snapshot();
    const child = spawnCli(['embed', project, '--epochs', '500', '--backend', 'wasm'], env);
    await child.waitFor((_o, e) => /epoch 1\/500/.test(e));
    child.proc.kill('SIGINT');
    expect(await child.exited).toBe(130);
    expect(child.stderr()).toContain('interrupted: cancelling; the project keeps everything committed so far\n');
    // the job stops at its next batch; the job runner's own message if it had to terminate the worker
    expect(child.stderr()).toMatch(
      /\nerror: (embedding was cancelled; the previous embeddings stay in use|embed was cancelled; the project keeps its previous state)\n$/,
    );
    expect(child.stderr()).not.toContain('autoencoder training was cancelled');
    expect(snapshot()).toEqual(before);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('evaluate on a corrupt stored encoder: says so and what to do; the curve is unchanged; re-embedding fixes it', () => {
    const before = snapshot();
    const modelId = peek(project, (db) => db.prepare("SELECT MAX(id) FROM models WHERE kind = 'autoencoder'").pluck().get() as number);
    // cut the weight blob in half, as a damaged disk or a foreign writer would
    const db = new (createRequire(import.meta.url)('better-sqlite3'))(project) as import('better-sqlite3').Database;
    db.prepare('UPDATE models SET weights = substr(weights, 1, length(weights) / 2) WHERE id = ?').run(modelId);
    db.close();
    const corrupted = snapshot() as { models: { bytes: number }[] };

    const r = runCli(['evaluate', project, '--backend', 'wasm'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      expect.stringMatching(/^error: stored model could not be loaded \(.+\); retrain it/),
    ]);
    expect(snapshot()).toEqual(corrupted);
    expect((before as { status: unknown }).status).toEqual(readProject(project).status);
    expect(integrityCheck(project)).toBe('ok');

    // the advice works: embed again, then evaluate adds a point
    cliOk(['embed', project, '--epochs', '1', '--backend', 'wasm'], env);
    expect(cliOk(['evaluate', project, '--backend', 'wasm'], env)).toMatch(/^all labels: 30 labels -> mean angular error [\d.]+ deg/);
    expect(readProject(project).status.curve).toHaveLength(2);
  });
});
