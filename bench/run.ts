/**
 * `npm run bench`: every benchmark (speed and size), each measured against its reference in the same run, printed
 * with its ratio and written to bench-output/results.json.
 *
 * Python references (NumPy, PyTorch CPU) come from Debian's python3-numpy and
 * python3-torch; they are installed here when missing (as root) and their
 * versions are reported by the benchmarks that use them.
 *
 * Usage: npm run bench [-- name ...]   (names: fps, autoencoder, contrastive, polar, first, import, large, orientation, demo)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-types.js';
import { writeBenchFile } from './bench-util.js';
import { makeDirs } from '../src/main/io/guarded-write.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = path.join(ROOT, 'bench-output');

const BENCHES: Record<string, string> = {
  fps: './fps-speed.ts',
  autoencoder: './autoencoder-speed.ts',
  contrastive: './contrastive-speed.ts',
  polar: './polar-fourier-speed.ts',
  first: './first-image.ts',
  import: './import-speed.ts',
  large: './large-project.ts',
  orientation: './orientation-learning.ts',
  demo: './demo-end-to-end.ts',
};

function ensurePythonReferences(): void {
  // Debian's python3-* packages import from /usr/bin/python3 (a pyenv python3 on PATH may shadow it).
  const has = (mod: string): boolean => ['/usr/bin/python3', 'python3'].some((py) => spawnSync(py, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0);
  const missing = ['numpy', 'torch'].filter((m) => !has(m));
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => `python3-${m}`);
  console.log(`installing the Python references from Debian: ${pkgs.join(' ')}`);
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch (e) {
      console.log(`could not install ${pkgs.join(' ')} (${(e as Error).message}); benchmarks that need them will say so`);
    }
  }
}

function printResult(r: BenchResult): void {
  console.log(`\n== ${r.name}`);
  for (const [k, v] of Object.entries(r.figures)) console.log(`   ${k}: ${typeof v === 'number' ? +v.toPrecision(5) : v}`);
  if (r.ratio) console.log(`   RATIO ${r.ratio.value.toFixed(2)} (${r.ratio.description}; goal ${r.ratio.goal})`);
  if (r.met !== undefined) console.log(`   goals ${r.met ? 'MET' : 'NOT MET'}`);
  if (r.notes) console.log(`   notes: ${r.notes}`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  for (const n of names) if (!BENCHES[n]) throw new Error(`unknown benchmark "${n}"; choose from ${Object.keys(BENCHES).join(', ')}`);
  makeDirs(OUT, 'bench-output');
  ensurePythonReferences();
  const results: (BenchResult & { key: string; seconds: number })[] = [];
  for (const key of names) {
    const t0 = performance.now();
    console.log(`\n-- running ${key} benchmark`);
    try {
      const mod = (await import(BENCHES[key]!)) as { run?: () => Promise<BenchResult | BenchResult[]> };
      if (!mod.run) throw new Error(`${BENCHES[key]} exports no run()`);
      const out = await mod.run();
      for (const r of Array.isArray(out) ? out : [out]) {
        results.push({ ...r, key, seconds: (performance.now() - t0) / 1000 });
        printResult(r);
      }
    } catch (e) {
      const r: BenchResult = {
        name: key,
        figures: {},
        reference: 'none (the benchmark failed)',
        goal: 'the benchmark runs',
        met: false,
        notes: `failed: ${(e as Error).stack ?? String(e)}`,
      };
      results.push({ ...r, key, seconds: (performance.now() - t0) / 1000 });
      printResult(r);
    }
    writeBenchFile(path.join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
  }
  console.log(`\nresults: ${path.join(OUT, 'results.json')}`);
  console.log('\nsummary:');
  for (const r of results)
    console.log(
      `  ${r.met === undefined ? '  -  ' : r.met ? ' MET ' : ' MISS'}  ${r.name}${r.ratio ? `: ratio ${r.ratio.value.toFixed(2)} (goal ${r.ratio.goal})` : ''}`,
    );
}

await main();
