/**
 * electron-builder.yml is valid (against electron-builder's own JSON schema),
 * builds the promised installers, unpacks the native modules and the tfjs
 * wasm files from the asar, never publishes, and names only files that exist
 * (or, for dist/, that the build writes).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { Ajv } from 'ajv';
import sharp from 'sharp';
import { ROOT } from './e2e-support.js';

const require = createRequire(import.meta.url);
const text = fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
const config = parse(text, { uniqueKeys: true, strict: true }) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };

/** The part of a glob before its first wildcard, without a trailing slash. */
function fixedPrefix(glob: string): string {
  const i = glob.search(/[*?{[]/);
  return (i < 0 ? glob : glob.slice(0, i)).replace(/\/$/, '');
}

function targetsOf(platform: { target: (string | { target: string })[] }): string[] {
  return platform.target.map((t) => (typeof t === 'string' ? t : t.target));
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's configuration schema", () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('builds AppImage + deb, NSIS and dmg, and never publishes', () => {
    expect(targetsOf(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
    expect(config.publish).toBeNull();
    expect(text).not.toMatch(/https?:\/\//);
  });

  it('rebuilds native modules for Electron and unpacks them and the tfjs wasm files from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    const unpack = config.asarUnpack as string[];
    for (const mod of ['better-sqlite3', 'sharp']) {
      expect(Object.keys(pkg.dependencies)).toContain(mod);
      expect(unpack).toContain(`node_modules/${mod}/**/*`);
    }
    // every unpack pattern names something installed
    for (const g of unpack) expect(fs.existsSync(path.join(ROOT, fixedPrefix(g))), g).toBe(true);
    // sharp's platform binaries live in @img/*
    expect(fs.readdirSync(path.join(ROOT, 'node_modules', '@img')).some((d) => d.startsWith('sharp-'))).toBe(true);
    const wasm = unpack.find((g) => g.endsWith('*.wasm'))!;
    const wasmDir = path.join(ROOT, path.dirname(wasm));
    const wasmFiles = fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'));
    expect(wasmFiles).toEqual(expect.arrayContaining(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']));
  });

  it('names only files that exist (dist/ is what the build writes)', async () => {
    const tsNode = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.node.json'), 'utf8'));
    const tsElectron = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.electron.json'), 'utf8'));
    expect(tsNode.compilerOptions.outDir).toBe('dist');
    expect(tsElectron.compilerOptions.outDir).toBe('dist');
    expect(fs.readFileSync(path.join(ROOT, 'vite.config.ts'), 'utf8')).toContain("outDir: here('./dist/renderer')");
    // package.json main is the compiled Electron main, whose source exists
    expect(pkg.main).toBe('dist/main/electron/main.js');
    expect(fs.existsSync(path.join(ROOT, 'src', 'main', 'electron', 'main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'src', 'main', 'electron', 'preload.cts'))).toBe(true);

    for (const f of config.files as string[]) {
      if (f.startsWith('!')) continue;
      const prefix = fixedPrefix(f);
      if (prefix === 'dist') continue; // build output, checked above
      expect(fs.existsSync(path.join(ROOT, prefix)), f).toBe(true);
    }
    for (const r of config.extraResources as { from: string }[]) expect(fs.existsSync(path.join(ROOT, r.from)), r.from).toBe(true);
    expect(fs.existsSync(path.join(ROOT, 'assets', 'demo', 'images'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, config.directories.buildResources))).toBe(true);

    const icons = new Set([config.linux.icon, config.win.icon, config.mac.icon]);
    for (const icon of icons) {
      const meta = await sharp(path.join(ROOT, icon)).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([512, 512]);
    }
  });
});
