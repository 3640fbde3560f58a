/**
 * Truth file for comparing strategies against an INDEPENDENT test set (the
 * paper's setting: redundancy in the pool, none in the test).
 *
 *   node --import tsx scripts/make-independent-test-truth.ts --project P.nlproj \
 *     --pool-folder red --pool-truth /tmp/red/truth.csv \
 *     --test-folder indep --test-truth /tmp/indep/truth.csv --out truth.csv
 *
 * The project has imported one folder holding both sets as subfolders
 * (`<root>/<pool-folder>/...` and `<root>/<test-folder>/...`). The output lists
 * the pool images OUTSIDE the project's test split (with their angles) and the
 * test-set images INSIDE it; every other image gets no truth, so `compare`
 * ignores it. Truth CSVs: path (relative to their own folder), angle.
 * Use a large test fraction (e.g. init --test-fraction 0.3 --test-max 2000) so
 * the test split holds enough independent images.
 */
import fs from 'node:fs';
import { csvFormatRows, csvParse } from 'd3';
import { ProjectStore } from '../src/main/store/project-store.js';
import { parseArgs } from './make-common.js';

/** Read a truth CSV (path, angle) into a map; throws naming the file when a column is missing. */
function readTruth(file: string): Map<string, string> {
  const rows = csvParse(fs.readFileSync(file, 'utf8'));
  if (!rows.columns.includes('path') || !rows.columns.includes('angle')) throw new Error(`${file}: needs columns path, angle`);
  return new Map(rows.map((r) => [r.path!, r.angle!]));
}

/**
 * Pick the truth rows: pool images outside the test split, test images inside it.
 * @returns rows [absolute path, angle] and the two counts.
 */
export function independentTestTruth(
  store: ProjectStore,
  o: { poolFolder: string; poolTruth: Map<string, string>; testFolder: string; testTruth: Map<string, string> },
): { rows: string[][]; pool: number; test: number } {
  const rows: string[][] = [];
  let pool = 0;
  let test = 0;
  for (const im of store.listPoolImages()) {
    const [top, ...rest] = im.relPath.split('/');
    const rel = rest.join('/');
    if (top === o.poolFolder && !im.inTestSplit && o.poolTruth.has(rel)) {
      rows.push([im.path, o.poolTruth.get(rel)!]);
      pool++;
    } else if (top === o.testFolder && im.inTestSplit && o.testTruth.has(rel)) {
      rows.push([im.path, o.testTruth.get(rel)!]);
      test++;
    }
  }
  return { rows, pool, test };
}

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  const need = (k: string): string => {
    const v = a.get(k);
    if (!v) throw new Error(`--${k} is required (see the usage at the top of this script)`);
    return v;
  };
  const store = ProjectStore.open(need('project'), { readonly: true });
  try {
    const r = independentTestTruth(store, {
      poolFolder: need('pool-folder'),
      poolTruth: readTruth(need('pool-truth')),
      testFolder: need('test-folder'),
      testTruth: readTruth(need('test-truth')),
    });
    fs.writeFileSync(need('out'), csvFormatRows([['path', 'angle'], ...r.rows]) + '\n');
    console.log(`${need('out')}: ${r.pool} pool images (outside the test split), ${r.test} independent test images (inside it)`);
  } finally {
    store.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
