/**
 * The house rules the code must keep (docs/architecture.md, "Rooms"): the
 * layering lint refuses imports against the layers, and no source file
 * imports itself back through a cycle.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every .ts/.tsx/.cts file under src and its relative imports, resolved to files. */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|cts)$/.test(e.name)) files.push(p);
    }
  };
  walk(path.join(ROOT, 'src'));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    const out: string[] = [];
    for (const m of src.matchAll(re)) {
      // type-only imports cannot make a runtime cycle, but they still tie the modules: keep them
      const spec = (m[1] ?? m[2])!;
      const base = path.resolve(path.dirname(f), spec).replace(/\.(c?js)$/, '');
      const hit = ['.ts', '.tsx', '.cts', '/index.ts'].map((x) => base + x).find((c) => known.has(c));
      if (hit) out.push(hit);
    }
    graph.set(f, out);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(path.relative(ROOT, w));
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture', () => {
  it('no source file reaches itself through its imports', () => {
    const g = importGraph();
    expect(g.size).toBeGreaterThan(100);
    expect(cycles(g)).toEqual([]);
  });

  it('the cycle finder finds a cycle it is given (so the check above can fail)', () => {
    const g = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(cycles(g).map((c) => c.length)).toEqual([3]);
  });

  it('the layering lint refuses a host importing another host and a lower layer importing a higher one', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const probe = async (filePath: string, code: string): Promise<string[]> =>
      (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === 'local/code-layers').map((m) => m.message);
    expect(await probe('src/main/cli/probe.ts', "import { x } from '../http/serve-app.js';\nexport const y = x;\n")).toHaveLength(1);
    expect(await probe('src/main/electron/probe.ts', "import { x } from '../cli/cli.js';\nexport const y = x;\n")).toHaveLength(1);
    expect(await probe('src/main/ml/probe.ts', "import { x } from '../store/project-store.js';\nexport const y = x;\n")).toHaveLength(1);
    expect(await probe('src/main/store/probe.ts', "import { x } from '../jobs/embed-job.js';\nexport const y = x;\n")).toHaveLength(1);
    expect(await probe('src/main/jobs/probe.ts', "import { x } from '../service/labeler-service.js';\nexport const y = x;\n")).toHaveLength(1);
    expect(await probe('src/shared/probe.ts', "import { x } from '../main/ml/pca.js';\nexport const y = x;\n")).toHaveLength(1);
    // allowed: downward
    expect(await probe('src/main/service/probe.ts', "import { x } from '../jobs/embed-job.js';\nexport const y = x;\n")).toEqual([]);
    expect(await probe('src/main/jobs/probe.ts', "import { x } from '../ml/pca.js';\nexport const y = x;\n")).toEqual([]);
    expect(await probe('src/main/cli/probe.ts', "import { x } from '../service/labeler-service.js';\nexport const y = x;\n")).toEqual([]);
  }, 60_000);
});
