/**
 * The contrastive embedder as a user runs it (service -> worker thread):
 * `embed:run` with embedder 'contrastive' makes it the project's setting, saves
 * the encoder as a 'contrastive' model and writes one L2-normalised 128-d
 * embedding per image that the stored encoder reproduces.
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { selectBackend } from '../../src/main/ml/backend.js';
import { deserializeModel } from '../../src/main/ml/model-io.js';
import { encodeContrastive } from '../../src/main/ml/contrastive.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { tempDir } from '../helpers/synthetic-project.js';

let svc: LabelerService | null = null;
afterAll(() => svc?.close());

describe('embed with the contrastive embedder', () => {
  it('stores the encoder and normalised embeddings; the setting follows embed --embedder', async () => {
    const subset = makeDemoSubset(3, 'nl-contrastive-');
    svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
    await svc.invoke('project:create', { path: path.join(subset.root, 'p.nlproj'), settings: { inputSize: 32, embeddingTurns: 2 } });
    expect(svc.project.settings.embedder).not.toBe('contrastive');
    await svc.invoke('images:import', { folder: subset.images });
    const r = await svc.invoke('embed:run', { epochs: 2, backend: 'wasm', embedder: 'contrastive' });
    const store = svc.project;
    expect(store.settings.embedder).toBe('contrastive');
    expect(r.count).toBe(30);
    const model = store.latestModel('contrastive');
    expect(model?.id).toBe(r.modelId);
    const emb = store.getEmbeddings()!;
    expect(emb.dim).toBe(128);
    expect(store.embeddingInfo()?.source).toBe('contrastive');
    for (let i = 0; i < emb.ids.length; i++) {
      let s = 0;
      for (let k = 0; k < emb.dim; k++) s += emb.data[i * emb.dim + k]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 4);
    }
    // The stored encoder, fed as its params say, gives the stored embeddings.
    await selectBackend('wasm');
    const enc = await deserializeModel(model!);
    const inputs = store.getModelInputs(emb.ids);
    const again = encodeContrastive(enc, inputs.data, inputs.ids.length, 256, 2);
    enc.dispose();
    for (let i = 0; i < again.length; i++) expect(again[i]).toBeCloseTo(emb.data[i]!, 4);
  }, 60_000);
});
