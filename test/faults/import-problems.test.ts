/**
 * Files the import leaves out are never left out silently: a file name that
 * is not valid UTF-8 is listed as a problem, and the CLI prints a summary
 * line of the problems (--verbose lists each).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkFolder } from '../../src/main/import/walk-folder.js';
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
});
