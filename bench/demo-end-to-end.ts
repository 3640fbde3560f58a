/**
 * Demo end to end: wall time of `novelty-labeler demo` on the
 * bundled data with its per-stage breakdown, as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function run(): Promise<BenchResult> {
  const out = path.join(ROOT, 'bench-output', 'demo');
  fs.rmSync(out, { recursive: true, force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/entry/cli.ts', 'demo', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NL_DATA_DIR: path.join(out, 'app-data') },
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`demo failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const figures: Record<string, number | string> = { 'wall s': wall };
  const line = r.stdout.split('\n').find((l) => l.startsWith('demo finished in')) ?? '';
  const inner = /\((.*)\)/.exec(line)?.[1] ?? '';
  for (const part of inner.split(', ')) {
    const m = /^(.*) (\d+)m(\d+)s$|^(.*) (\d+)s$/.exec(part);
    if (m) figures[`${m[1] ?? m[4]} s`] = m[1] ? Number(m[2]) * 60 + Number(m[3]) : Number(m[5]);
  }
  const saved = r.stdout.split('\n').filter((l) => /reaches|does not reach/.test(l));
  return {
    name: 'demo, end to end (bundled 3,000 images)',
    figures,
    reference: "none: the quick start's own command, timed whole",
    goal: 'a few minutes on 2 cores',
    met: wall < 300,
    notes: saved.join(' | '),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
