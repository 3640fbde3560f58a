/**
 * Files the import leaves out are never left out silently: a file name that
 * is not valid UTF-8 is listed as a problem, and the CLI prints a summary
 * line of the problems (--verbose lists each).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { walkFolder } from '../../src/main/import/walk-folder.js';
import { importFolder } from '../../src/main/import/import-folder.js';
import { ProjectStore } from '../../src/main/store/project-store.js';
import { cliEnv, cliOk, copyDemoImages, tempRoot } from './fault-helpers.js';

/** Whether this file system keeps a name that is not valid UTF-8 (Linux does; macOS APFS refuses it). */
function keepsRawNames(dir: string): boolean {
  try {
    const p = Buffer.concat([Buffer.from(path.join(dir, 'probe')), Buffer.from([0xff])]);
    fs.writeFileSync(p, '');
    fs.rmSync(p);
    return true;
  } catch {
    return false;
  }
}

describe('import problems', () => {
  it('a name that is not valid UTF-8 and a dangling link are listed; the CLI sums them up, --verbose names them', async () => {
    const root = tempRoot('nl-import-problems-');
    const images = path.join(root, 'images');
    copyDemoImages(images, 1); // 10 images, one per class
    if (!keepsRawNames(images)) {
      console.info('non-UTF-8 name check skipped: this file system does not keep such names');
      return;
    }
    const one = path.join(images, 'bag', fs.readdirSync(path.join(images, 'bag'))[0]!);
    // "caf\xe9.png": Latin-1 bytes, not UTF-8
    fs.copyFileSync(one, Buffer.concat([Buffer.from(path.join(images, 'caf')), Buffer.from([0xe9]), Buffer.from('.png')]));
    fs.symlinkSync(path.join(root, 'gone.png'), path.join(images, 'dangling.png'));

    const walk = await walkFolder(images);
    expect(walk.files).toHaveLength(10);
    const byName = new Map(walk.problems.map((p) => [path.basename(p.path), p.error]));
    expect([...byName.keys()].sort()).toEqual(['caf\uFFFD.png', 'dangling.png']);
    expect(byName.get('caf\uFFFD.png')).toMatch(/^the file name is not valid UTF-8, so it cannot be opened; rename it/);
    expect(byName.get('dangling.png')).toMatch(/^symbolic link cannot be followed/);

    const env = cliEnv(root);
    const project = path.join(root, 'p.nlproj');
    cliOk(['init', project], env);
    const out = cliOk(['import', project, images, '--verbose'], env);
    expect(out).toMatch(/^scanned 10 files: 10 added/m);
    expect(out).toMatch(/^not imported: 2 file\(s\) or folder\(s\) .*:$/m);
    expect(out).toContain(`  ${path.join(images, 'caf\uFFFD.png')}: the file name is not valid UTF-8`);
    expect(out).toContain(`  ${path.join(images, 'dangling.png')}: symbolic link cannot be followed`);
  }, 60_000);

  it('many identical files: the images sharing a content are looked up once per content, not once per file (linear time)', async () => {
    const root = tempRoot('nl-import-copies-');
    const images = path.join(root, 'copies');
    copyDemoImages(path.join(root, 'src'), 1);
    const one = path.join(root, 'src', 'bag', fs.readdirSync(path.join(root, 'src', 'bag'))[0]!);
    fs.mkdirSync(images);
    for (let i = 0; i < 80; i++) fs.copyFileSync(one, path.join(images, `copy-${String(i).padStart(3, '0')}.png`));
    const store = ProjectStore.create(path.join(root, 'p.nlproj'), { inputSize: 16 });
    try {
      const lookups = vi.spyOn(store, 'findImagesBySha');
      const r = await importFolder(store, images);
      expect(r.added).toBe(80);
      expect(r.duplicates).toBe(79);
      // each lookup returns every copy so far: one per file made the import quadratic
      expect(lookups.mock.calls.length).toBeLessThanOrEqual(1);
      // importing the same copies from a second folder: still one lookup of the 80 existing copies
      const again = path.join(root, 'again');
      fs.cpSync(images, again, { recursive: true });
      lookups.mockClear();
      const r2 = await importFolder(store, again);
      expect(r2.added).toBe(80);
      expect(lookups.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      store.close();
    }
  }, 60_000);
});
