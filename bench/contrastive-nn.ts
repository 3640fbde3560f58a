/**
 * Nearest-neighbour same-source rate of a project's active embeddings (brute force):
 * for every image, is its nearest other image (Euclidean, and cosine) a copy of the same source?
 *
 *   node --import tsx bench/contrastive-nn.ts P.nlproj [--truth T.csv]
 *
 * The source of an image is the `source` column of the truth file when it has one; otherwise
 * the redundant pool's file name <train index>-<copy>.png (scripts/make-redundant-pool.ts).
 */
import fs from 'node:fs';
import { ProjectStore } from '../src/main/store/project-store.js';
import { selectBackend } from '../src/main/ml/backend.js';
import { deserializeModel } from '../src/main/ml/model-io.js';
import { encodeContrastive } from '../src/main/ml/contrastive.js';

export function nearestNeighbourSameRate(data: Float32Array, n: number, d: number, groups: readonly string[], metric: 'euclidean' | 'cosine'): number {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += data[i * d + k]! ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestScore = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let score = 0;
      if (metric === 'euclidean') {
        for (let k = 0; k < d; k++) score += (data[i * d + k]! - data[j * d + k]!) ** 2;
      } else {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += data[i * d + k]! * data[j * d + k]!;
        score = -dot / (norms[i]! * norms[j]!);
      }
      if (score < bestScore) {
        bestScore = score;
        best = j;
      }
    }
    if (groups[best] === groups[i]) same++;
  }
  return same / n;
}

function sourceOfPath(rel: string): string {
  const base = rel.split('/').pop()!;
  return base.replace(/-\d+\.png$/i, '');
}

async function main(): Promise<void> {
  const project = process.argv[2];
  if (!project) throw new Error('usage: contrastive-nn.ts P.nlproj [--truth T.csv]');
  const ti = process.argv.indexOf('--truth');
  const bySource = new Map<string, string>();
  if (ti > 0) {
    const lines = fs
      .readFileSync(process.argv[ti + 1]!, 'utf8')
      .trim()
      .split('\n');
    const head = lines[0]!.split(',');
    const pc = head.indexOf('path');
    const sc = head.indexOf('source');
    if (sc >= 0) for (const l of lines.slice(1)) bySource.set(l.split(',')[pc]!, l.split(',')[sc]!);
  }
  const store = ProjectStore.open(project);
  try {
    let emb = store.getEmbeddings();
    if (!emb) throw new Error(`${project} has no embeddings`);
    const ri = process.argv.indexOf('--reencode');
    if (ri > 0) {
      // Re-encode with the stored contrastive encoder at another number of turns.
      await selectBackend('wasm');
      const row = store.latestModel('contrastive');
      if (!row) throw new Error('no contrastive model');
      const enc = await deserializeModel(row);
      const inp = store.getModelInputs(emb.ids);
      const turns = Number(process.argv[ri + 1]);
      const data = encodeContrastive(enc, inp.data, inp.ids.length, 256, turns);
      emb = { ...emb, dim: data.length / inp.ids.length, data };
      console.log(`re-encoded with ${turns} turns`);
    }
    const rel = new Map(store.listImages().map((im) => [im.id as number, im.relPath]));
    const groups = emb.ids.map((id) => {
      const r = rel.get(id)!;
      return bySource.get(r) ?? sourceOfPath(r);
    });
    const info = store.embeddingInfo();
    const n = emb.ids.length;
    const e = nearestNeighbourSameRate(emb.data, n, emb.dim, groups, 'euclidean');
    const c = nearestNeighbourSameRate(emb.data, n, emb.dim, groups, 'cosine');
    console.log(
      `${project}: ${info?.source} ${n} x ${emb.dim}; nearest-neighbour same-source rate: euclidean ${e.toFixed(3)}, cosine ${c.toFixed(3)} (${new Set(groups).size} sources)`,
    );
  } finally {
    store.close();
  }
}

if (process.argv[1]?.endsWith('contrastive-nn.ts')) await main();
