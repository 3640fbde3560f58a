import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IMAGE_EXTENSIONS, hasImageExtension, walkFolder } from '../../src/main/import/walk-folder.js';

let root: string;
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-walk-')));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

function touch(rel: string, bytes = 'x'): void {
  const p = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
}

describe('walkFolder', () => {
  it('lists image extensions in any case, recursively, sorted by path, with "/" separators', async () => {
    for (const ext of IMAGE_EXTENSIONS) touch(`all/x.${ext}`);
    touch('b/IMG.JPG');
    touch('b/photo.Tiff');
    touch('a/z/deep.png');
    touch('a/img.jpg');
    touch('notes.txt');
    touch('a/archive.jpg.zip');
    touch('noext');
    touch('a/._img.jpg'); // AppleDouble companion
    touch('B/upper.png');
    const w = await walkFolder(root);
    expect(w.root).toBe(root);
    expect(w.problems).toEqual([]);
    const expected = ['B/upper.png', 'a/img.jpg', 'a/z/deep.png', ...IMAGE_EXTENSIONS.map((e) => `all/x.${e}`).sort(), 'b/IMG.JPG', 'b/photo.Tiff'];
    expect(w.files.map((f) => f.relPath)).toEqual(expected);
    for (const f of w.files) {
      expect(f.absPath).toBe(path.join(root, ...f.relPath.split('/')));
      expect(f.sizeBytes).toBe(1);
    }
    expect(hasImageExtension('.png')).toBe(false);
    expect(hasImageExtension('a.PnG')).toBe(true);
  });

  it('does not follow links that point outside the walked folder, and records each as a problem', async () => {
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nl-walk-out-')));
    try {
      fs.writeFileSync(path.join(outside, 'o.png'), 'x');
      fs.writeFileSync(path.join(outside, 'notes.txt'), 'x');
      touch('in/a.png');
      fs.symlinkSync(outside, path.join(root, 'ext')); // a folder elsewhere
      fs.symlinkSync(root, path.join(outside, 'back')); // and a loop back through it
      fs.symlinkSync(path.join(outside, 'o.png'), path.join(root, 'single.png')); // one image file elsewhere
      fs.symlinkSync(path.join(outside, 'notes.txt'), path.join(root, 'notes.txt')); // not an image: ignored silently
      fs.symlinkSync('..', path.join(root, 'in/up')); // the walked folder itself: inside, visited once
      fs.symlinkSync('ext', path.join(root, 'hop')); // a link to a link that leads outside
      fs.symlinkSync('in', path.join(root, 'alias')); // a second way to a folder inside: skipped
      fs.symlinkSync('in/a.png', path.join(root, 'link-a.png')); // a file inside: followed
      const w = await walkFolder(root);
      expect(w.files.map((f) => f.relPath)).toEqual(['in/a.png', 'link-a.png']);
      const why = `link points outside the imported folder; not followed (it points to ${outside}`;
      expect(w.problems).toEqual([
        { path: path.join(root, 'ext'), error: `${why})` },
        { path: path.join(root, 'hop'), error: `${why})` },
        { path: path.join(root, 'single.png'), error: `${why}${path.sep}o.png)` },
      ]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('does not follow "ln -s .. folder/loop" into the parent folder', async () => {
    touch('x.png');
    touch('folder/a.png');
    fs.symlinkSync('..', path.join(root, 'folder/loop'));
    const w = await walkFolder(path.join(root, 'folder'));
    expect(w.files.map((f) => f.absPath)).toEqual([path.join(root, 'folder/a.png')]);
    expect(w.problems).toEqual([
      { path: path.join(root, 'folder/loop'), error: `link points outside the imported folder; not followed (it points to ${root})` },
    ]);
  });

  it('keeps paths under a folder given through a symbolic link (the link is not resolved)', async () => {
    touch('real/a.png');
    touch('real/sub/b.jpg');
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
    const r = await walkFolder(path.join(root, 'link'));
    expect(r.root).toBe(path.join(root, 'link'));
    expect(r.files.map((f) => [f.relPath, f.absPath])).toEqual([
      ['a.png', path.join(root, 'link', 'a.png')],
      ['sub/b.jpg', path.join(root, 'link', 'sub', 'b.jpg')],
    ]);
  });

  it('handles non-ASCII and long names', async () => {
    const long = `${'ä'.repeat(100)}.png`; // 200 bytes in UTF-8 + 4
    touch(`日本語/картинка ü.jpg`);
    touch(`emoji 🐱/${long}`);
    const w = await walkFolder(root);
    expect(w.files.map((f) => f.relPath).sort()).toEqual([`emoji 🐱/${long}`, '日本語/картинка ü.jpg'].sort());
    for (const f of w.files) expect(fs.existsSync(f.absPath)).toBe(true);
  });

  it('follows symlinks but terminates on loops, visiting each folder once', async () => {
    touch('real/a.png');
    touch('real/sub/b.png');
    fs.symlinkSync(root, path.join(root, 'real/sub/to-root')); // loop to an ancestor
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias')); // second way to a folder
    fs.symlinkSync('self', path.join(root, 'self')); // a link to itself
    fs.symlinkSync('missing-target.png', path.join(root, 'dangling.png'));
    fs.symlinkSync(path.join(root, 'real/a.png'), path.join(root, 'link-to-a.png')); // link to a file
    const w = await walkFolder(root);
    // "real" is listed under its real path; the link "alias" to it is a second way and is skipped.
    expect(w.files.map((f) => f.relPath)).toEqual(['link-to-a.png', 'real/a.png', 'real/sub/b.png']);
    expect(w.problems.map((p) => path.basename(p.path))).toEqual(['dangling.png']);
    expect(w.problems[0]!.error).toMatch(/ENOENT/);
  });

  it('records an unreadable subfolder and goes on', async () => {
    touch('ok/a.png');
    touch('secret/b.png');
    touch('z.png');
    const secret = path.join(root, 'secret');
    const real = fs.promises.readdir;
    // Running as root ignores permission bits, so the refusal is injected at readdir.
    vi.spyOn(fs.promises, 'readdir').mockImplementation((async (p: fs.PathLike, o?: unknown) => {
      if (String(p) === secret) throw Object.assign(new Error(`EACCES: permission denied, scandir '${secret}'`), { code: 'EACCES' });
      return (real as (p: fs.PathLike, o?: unknown) => Promise<unknown>)(p, o);
    }) as typeof fs.promises.readdir);
    const w = await walkFolder(root);
    expect(w.files.map((f) => f.relPath)).toEqual(['ok/a.png', 'z.png']);
    expect(w.problems).toEqual([{ path: secret, error: expect.stringMatching(/folder cannot be read \(EACCES/) }]);
  });

  it('lists only regular files (a FIFO named x.jpg is skipped, not read)', async () => {
    touch('a.png');
    execFileSync('mkfifo', [path.join(root, 'x.jpg')]);
    const w = await walkFolder(root);
    expect(w.files.map((f) => f.relPath)).toEqual(['a.png']);
  });

  it('refuses a missing folder or a file with a clear error', async () => {
    touch('a.png');
    await expect(walkFolder(path.join(root, 'nope'))).rejects.toMatchObject({ code: 'not-found' });
    await expect(walkFolder(path.join(root, 'a.png'))).rejects.toThrow(/is not a folder/);
  });

  it('stops when the signal aborts', async () => {
    touch('a/a.png');
    const ac = new AbortController();
    ac.abort();
    await expect(walkFolder(root, { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
