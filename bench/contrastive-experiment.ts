/**
 * Train the contrastive embedder on a project's model inputs with chosen options
 * and report the nearest-neighbour same-source rate (1 and 8 turns) and the time.
 *   node --import tsx bench/contrastive-experiment.ts P.nlproj [--epochs 40] [--temperature 0.2] [--filters 16] [--batch 256] [--lr 1e-3]
 */
import { selectBackend } from '../src/main/ml/backend.js';
import { trainContrastive, encodeContrastive } from '../src/main/ml/contrastive.js';
import { ProjectStore } from '../src/main/store/project-store.js';
import { nearestNeighbourSameRate } from './contrastive-nn.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
await selectBackend('wasm');
const store = ProjectStore.open(process.argv[2]!);
const rel = new Map(store.listImages().map((im) => [im.id as number, im.relPath]));
const { data, ids, size, channels } = store.getModelInputs();
const groups = ids.map((id) =>
  rel
    .get(id)!
    .split('/')
    .pop()!
    .replace(/-\d+\.png$/, ''),
);
const opts = {
  epochs: arg('epochs', 40),
  temperature: arg('temperature', 0.2),
  filters: arg('filters', 16),
  batchSize: arg('batch', 256),
  learningRate: arg('lr', 1e-3),
  seed: arg('seed', 1),
};
const r = await trainContrastive(data, {
  n: ids.length,
  inputSize: size,
  channels,
  ...opts,
  onEpoch: (e, l) => {
    if (e % 10 === 0) console.error(`epoch ${e} loss ${l.toFixed(4)}`);
  },
});
const out: string[] = [];
for (const turns of [1, 8]) {
  const e = encodeContrastive(r.encoder, data, ids.length, 256, turns);
  out.push(`turns ${turns}: ${nearestNeighbourSameRate(e, ids.length, e.length / ids.length, groups, 'euclidean').toFixed(3)}`);
}
console.log(
  `${JSON.stringify(opts)} ${size}px n=${ids.length}: loss ${r.finalLoss.toFixed(3)}, ${r.seconds.toFixed(0)} s (${r.imagesPerSecond.toFixed(0)} img/s); NN same-source ${out.join(', ')}`,
);
store.close();
