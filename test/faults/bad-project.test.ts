/**
 * Bad input: a file that is not a project (a text file, an SQLite
 * database of another application, a damaged project), a project from a newer
 * schema version, and a project whose images moved. Each gets a clear message
 * naming the file and what to do, asserted exactly, through the real CLI; the
 * file is left as it was. Moved images are re-linked by content when their
 * folder is imported from its new place, and keep their labels.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/main/store/schema.js';
import { cliEnv, cliOk, copyDemoImages, currentLabels, integrityCheck, peek, readProject, runCli, tempRoot } from './fault-helpers.js';

let root: string;
let env: Record<string, string>;

beforeAll(() => {
  root = tempRoot('nl-bad-project-');
  env = cliEnv(root);
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Run a CLI command that must fail with exactly this one line on stderr and nothing on stdout. */
function refused(args: string[], message: string): void {
  const r = runCli(args, env);
  expect(r.stderr).toBe(`error: ${message}\n`);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(1);
}

describe('files that are not a usable project', () => {
  it('a text file', () => {
    const f = path.join(root, 'notes.nlproj');
    fs.writeFileSync(f, 'these are my notes, not a project\n'.repeat(10));
    const bytes = fs.readFileSync(f);
    refused(['status', f], `${f} is not a Novelty Labeler project (not an SQLite file); create a project with "novelty-labeler init"`);
    refused(['label', f, '1', '90'], `${f} is not a Novelty Labeler project (not an SQLite file); create a project with "novelty-labeler init"`);
    expect(fs.readFileSync(f).equals(bytes)).toBe(true);
  });

  it('an empty file and a file that does not exist', () => {
    const empty = path.join(root, 'empty.nlproj');
    fs.writeFileSync(empty, '');
    refused(['status', empty], `${empty} is not a Novelty Labeler project (not an SQLite file); create a project with "novelty-labeler init"`);
    const none = path.join(root, 'none.nlproj');
    refused(
      ['status', none],
      `project file ${none} cannot be opened (ENOENT: no such file or directory, open '${none}'); check the path or create it with "novelty-labeler init ${none}"`,
    );
  });

  it('an SQLite database of another application', () => {
    const f = path.join(root, 'other-app.db');
    const db = new Database(f);
    db.exec("CREATE TABLE contacts(name TEXT, phone TEXT); INSERT INTO contacts VALUES ('Ada', '123');");
    db.close();
    const bytes = fs.readFileSync(f);
    refused(
      ['status', f],
      `${f} is an SQLite database of another application (application id 0x0), not a Novelty Labeler project; open a .nlproj file made by Novelty Labeler, or create one with "novelty-labeler init"`,
    );
    refused(
      ['import', f, root],
      `${f} is an SQLite database of another application (application id 0x0), not a Novelty Labeler project; open a .nlproj file made by Novelty Labeler, or create one with "novelty-labeler init"`,
    );
    expect(fs.readFileSync(f).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${f}-wal`)).toBe(false);
  });

  it('a damaged project (cut short, as by a failed copy)', () => {
    const good = path.join(root, 'good.nlproj');
    cliOk(['init', good, '--input-size', '16'], env);
    const f = path.join(root, 'cut.nlproj');
    fs.writeFileSync(f, fs.readFileSync(good).subarray(0, 8192));
    refused(['status', f], `${f} is damaged (SQLite: database disk image is malformed); restore it from a backup copy, it cannot be used as it is`);
  });

  it('a project from a newer schema version: refused, and left as it was', () => {
    const f = path.join(root, 'future.nlproj');
    cliOk(['init', f, '--input-size', '16'], env);
    const db = new Database(f);
    const future = SCHEMA_VERSION + 5;
    db.pragma(`user_version = ${future}`);
    db.close();
    const message = `${f} uses project schema version ${future}, newer than this Novelty Labeler understands (${SCHEMA_VERSION}); update the app to open it`;
    refused(['status', f], message);
    refused(['label', f, '1', '90'], message);
    refused(['import', f, root], message);
    expect(peek(f, (d) => d.pragma('user_version', { simple: true }))).toBe(future);
    expect(peek(f, (d) => d.prepare('SELECT COUNT(*) FROM images').pluck().get())).toBe(0);
    expect(integrityCheck(f)).toBe('ok');
  });
});

describe('a project whose images moved', () => {
  it('says what to do, re-links by content on import of the new place, and keeps the labels', () => {
    const old = path.join(root, 'shoot-2024');
    const n = copyDemoImages(old, 6); // 60 real images
    const project = path.join(root, 'moved.nlproj');
    cliOk(['init', project, '--input-size', '16', '--test-fraction', '0'], env);
    cliOk(['import', project, old], env);
    const ids = peek(project, (d) => d.prepare('SELECT id, rel_path FROM images ORDER BY id').all() as { id: number; rel_path: string }[]);
    expect(ids).toHaveLength(n);
    const labeled = [ids[0]!, ids[17]!, ids[42]!];
    labeled.forEach((img, k) => cliOk(['label', project, String(img.id), String(30 * (k + 1))], env));

    const moved = path.join(root, 'archive', 'shoot-2024');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(old, moved);

    // the old place: the message says how to re-link
    refused(
      ['import', project, old],
      `folder ${old} does not exist or is not a folder; if its images moved, import the folder from its new place: they are re-linked by content (SHA-256) and keep their labels`,
    );
    // a folder export names each labeled image it cannot copy, and what to do
    const out1 = path.join(root, 'export-before');
    const e1 = runCli(['export', project, '--format', 'folder', '--out', out1], env);
    expect(e1.code).toBe(0);
    expect(e1.stdout).toBe(`exported 0 labeled images as folder to ${out1}\n`);
    expect(e1.stderr).toBe(
      labeled.map((img) => `warning: not exported: ${img.rel_path}: file not found at ${path.join(old, img.rel_path)}\n`).join('') +
        'warning: 3 labeled image(s) left out (named above); a file whose content changed needs a new label; if a folder moved, import it from its new place (images are re-linked by content and keep their labels), then export again\n',
    );

    // import from the new place: every image re-linked by content, none added, labels kept
    expect(cliOk(['import', project, moved], env)).toBe(
      `scanned ${n} files: 0 added (${n} ready, 0 unreadable, 0 duplicates), 0 already in the project, ${n} re-linked\ntest split: 0 images\n`,
    );
    const after = peek(
      project,
      (d) =>
        d.prepare('SELECT id, rel_path, abs_path, status FROM images ORDER BY id').all() as {
          id: number;
          rel_path: string;
          abs_path: string;
          status: string;
        }[],
    );
    expect(after).toEqual(ids.map((img) => ({ id: img.id, rel_path: img.rel_path, abs_path: path.join(moved, img.rel_path), status: 'ready' })));
    expect(currentLabels(project)).toEqual(new Map(labeled.map((img, k) => [img.id, 30 * (k + 1)])));
    expect(readProject(project).status.images).toEqual({ ready: n, unreadable: 0, missing: 0, total: n });

    const out2 = path.join(root, 'export-after');
    const e2 = runCli(['export', project, '--format', 'folder', '--out', out2], env);
    expect(e2.stderr).toBe('');
    expect(e2.stdout).toBe(`exported 3 labeled images as folder to ${out2}\n`);
    expect(integrityCheck(project)).toBe('ok');
  });
});
