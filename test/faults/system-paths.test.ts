/**
 * Paths under /proc, /sys and /dev are refused at once, with a message naming
 * the path, for every path the user gives (Node's recursive mkdir spins
 * forever under /proc); `status /dev/null` says it is not a project file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { makeDirs } from '../../src/main/io/guarded-write.js';
import { checkUserPath } from '../../src/main/io/user-path.js';
import { cliEnv, runCli, tempRoot } from './fault-helpers.js';

const linux = process.platform === 'linux' && fs.existsSync('/proc/self');
const root = tempRoot('nl-syspath-');
let svc: LabelerService | null = null;
afterAll(() => svc?.close());

/** Run fn and return how long it took, ms, with the error it threw. */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; error: Error | null }> {
  const t0 = performance.now();
  try {
    await fn();
    return { ms: performance.now() - t0, error: null };
  } catch (e) {
    return { ms: performance.now() - t0, error: e as Error };
  }
}

describe.skipIf(!linux)('system paths', () => {
  it('every operation that takes a path refuses /proc, /sys, /dev paths in well under a second', async () => {
    svc = await LabelerService.create({ dataDir: path.join(root, 'data') });
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['create', () => svc!.invoke('project:create', { path: '/proc/x/p.nlproj' }), /\/proc\/x\/p\.nlproj is under \/proc.*not a project file/],
      ['create deep', () => svc!.invoke('project:create', { path: '/proc/a/b/c/d/e/p.nlproj' }), /is under \/proc/],
      ['open', () => svc!.invoke('project:open', { path: '/dev/null' }), /\/dev\/null is under \/dev.*not a project file/],
      ['open sys', () => svc!.invoke('project:open', { path: '/sys/kernel/x.nlproj' }), /is under \/sys/],
      // '..' and a link of the existing prefix are resolved first
      ['dotdot', () => svc!.invoke('project:create', { path: `${root}/../../../proc/x.nlproj` }), /is under \/proc/],
    ];
    const link = path.join(root, 'to-proc');
    fs.symlinkSync('/proc', link);
    cases.push(['link', () => svc!.invoke('project:create', { path: path.join(link, 'x', 'p.nlproj') }), /is under \/proc/]);
    await svc.invoke('project:create', { path: path.join(root, 'p.nlproj') });
    cases.push(
      ['import', () => svc!.invoke('images:import', { folder: '/proc/self/x' }), /not an image folder/],
      ['export', () => svc!.invoke('export:run', { format: 'csv', out: '/proc/x/labels.csv' }), /not a place for an export/],
      ['export folder', () => svc!.invoke('export:run', { format: 'folder', out: '/sys/x' }), /is under \/sys/],
      ['compare', () => svc!.invoke('compare:run', { sizes: [1], seeds: 1, outDir: '/proc/x' }), /not a place for compare outputs/],
    );
    for (const [name, fn, re] of cases) {
      const { ms, error } = await timed(fn);
      expect(error?.message, name).toMatch(re);
      expect((error as { code?: string }).code, name).toBe('invalid-argument');
      expect(ms, name).toBeLessThan(1000);
    }
    // the app's own folder creation never loops, whatever the path
    const { ms, error } = await timed(async () => makeDirs('/proc/x/y/z'));
    expect(error?.message).toMatch(/is under \/proc/);
    expect(ms).toBeLessThan(1000);
    expect(() => checkUserPath('/device', 'x')).not.toThrow(); // a name that only starts like /dev
  });

  it('the CLI refuses them with one line naming the path (init, export --out, demo --out, NL_DATA_DIR, status /dev/null; import and compare above)', () => {
    const env = cliEnv(root);
    const project = path.join(root, 'p.nlproj'); // made by the test above
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['init', '/proc/x/p.nlproj'], env, /^error: \/proc\/x\/p\.nlproj is under \/proc/],
      [['export', project, '--format', 'csv', '--out', '/proc/x'], env, /^error: \/proc\/x is under \/proc/],
      [['demo', '--out', '/proc/x'], env, /^error: \/proc\/x is under \/proc/],
      [['status', project], { ...env, NL_DATA_DIR: '/proc/nl' }, /^error: \/proc\/nl is under \/proc.*NL_DATA_DIR/],
      [['status', '/dev/null'], env, /not a project file/],
    ];
    for (const [args, e, re] of cases) {
      const r = runCli(args, e);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(re);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 120_000);
});

if (!linux) {
  describe('system paths', () => {
    it.skip('skipped: /proc, /sys and /dev are Linux kernel file systems; this machine has no /proc', () => undefined);
  });
}
