/**
 * Small helpers shared by the benchmark modules: run a module alone
 * (`node --import tsx bench/<file>.ts`), print a BenchResult, percentiles.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-types.js';
import { makeDirs, writeOutput, type WriteGuard } from '../src/main/io/guarded-write.js';

/** Bench results are the bench's own files, replaced on every run (never through a link). */
const BENCH_GUARD: WriteGuard = { projectPath: null, importedFolders: [], overwrite: true };

/** Write a bench result file through the product's guarded writer (temp file + rename, no links followed). */
export function writeBenchFile(file: string, text: string): void {
  writeOutput(file, text, BENCH_GUARD, 'a benchmark result');
}

/** Repository root (the folder above bench/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** bench-output/<sub> under the repository root, created when missing (git-ignored cache and results). */
export function benchOutputDir(sub = ''): string {
  const dir = path.join(REPO_ROOT, 'bench-output', sub);
  makeDirs(dir, 'bench-output');
  return dir;
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const me = fileURLToPath(moduleUrl);
  const resolved = path.resolve(entry);
  return resolved === me || resolved === me.replace(/\.ts$/, '') || resolved + '.ts' === me;
}

/** Human-readable print of a result (figures one per line), then its JSON. */
export function printResult(r: BenchResult): void {
  console.log(`\n== ${r.name}`);
  for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k}: ${typeof v === 'number' ? round(v) : v}`);
  if (r.ratio) console.log(`  ratio: ${round(r.ratio.value)} (${r.ratio.description}; goal ${r.ratio.goal})`);
  if (r.met !== undefined) console.log(`  goals met: ${r.met ? 'yes' : 'NO'}`);
  if (r.notes) console.log(`  notes: ${r.notes}`);
}

/** Run a benchmark's run() as a script: print the result, write bench-output/<file>.json, exit 1 on a crash. */
export function runAlone(moduleUrl: string, run: () => Promise<BenchResult>): void {
  if (!isMainModule(moduleUrl)) return;
  run()
    .then((r) => {
      printResult(r);
      const out = path.join(benchOutputDir(), `${path.basename(fileURLToPath(moduleUrl), '.ts')}.json`);
      writeBenchFile(out, JSON.stringify(r, null, 2));
      console.log(`  written: ${path.relative(process.cwd(), out)}`);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}

/** Round for display: 3 significant decimals for small numbers, integers stay. */
export function round(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const a = Math.abs(x);
  return a >= 100 ? Math.round(x * 10) / 10 : a >= 1 ? Math.round(x * 1000) / 1000 : Number(x.toPrecision(3));
}

/** q-quantile (0..1) of numbers by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The bundled demo images' paths, in a fixed order (class folders, then file names). */
export function demoFiles(): string[] {
  const dir = path.join(REPO_ROOT, 'assets', 'demo', 'images');
  const files: string[] = [];
  for (const cls of fs.readdirSync(dir).sort()) for (const f of fs.readdirSync(path.join(dir, cls)).sort()) files.push(path.join(dir, cls, f));
  return files;
}

/** The demo images as gray size x size model inputs (uint8, one after another). */
export async function demoInputs(size: number): Promise<{ data: Uint8Array; n: number }> {
  const files = demoFiles();
  const data = new Uint8Array(files.length * size * size);
  for (let i = 0; i < files.length; i++) data.set(await sharp(files[i]!).grayscale().resize(size, size).raw().toBuffer(), i * size * size);
  return { data, n: files.length };
}
