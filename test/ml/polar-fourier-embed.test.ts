/**
 * The polar Fourier embedder as a user runs it (service -> worker thread):
 * `embed:run` with embedder 'polar-fourier' makes it the project's setting,
 * stores no model, and writes for every image the descriptors of its stored
 * model input on the pool's principal axes; the novelty order then runs on them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { polarFourierEmbeddings } from '../../src/main/ml/polar-fourier.js';
import { makeDemoSubset } from '../helpers/demo-subset.js';
import { tempDir } from '../helpers/synthetic-project.js';

let svc: LabelerService | null = null;
afterAll(() => svc?.close());

describe('embed with the polar Fourier embedder', () => {
  it('writes the descriptors of the stored model inputs, no model, and the queue orders by them', async () => {
    const subset = makeDemoSubset(3, 'nl-polar-');
    svc = await LabelerService.create({ dataDir: tempDir('nl-data-'), annotator: 'tester' });
    await svc.invoke('project:create', { path: path.join(subset.root, 'p.nlproj'), settings: { inputSize: 32, latentDim: 8, embedder: 'autoencoder' } });
    await svc.invoke('images:import', { folder: subset.images });
    const r = await svc.invoke('embed:run', { embedder: 'polar-fourier' });
    const store = svc.project;
    expect(store.settings.embedder).toBe('polar-fourier');
    expect(r.count).toBe(30);
    expect(r.modelId).toBeNull();
    expect(r.explained).toBeGreaterThan(0);
    expect(store.embeddingInfo()?.source).toBe('polar-fourier');
    const emb = store.getEmbeddings()!;
    expect(emb.dim).toBe(8);
    const inputs = store.getModelInputs(emb.ids);
    const direct = polarFourierEmbeddings(inputs.data, inputs.ids.length, 32, inputs.channels, 8);
    for (let i = 0; i < direct.embeddings.length; i++) expect(emb.data[i]).toBeCloseTo(direct.embeddings[i]!, 5);
    // The latent map's plane is the descriptors' PCA plane: its two coordinates are uncorrelated, the first spreads at
    // least as much as the second, and no other direction in the embedding spreads more than the first (brute force).
    const pts = store.getPcaPoints();
    expect(pts).toHaveLength(emb.ids.length);
    const mx = pts.reduce((t, p) => t + p.x, 0) / pts.length;
    const my = pts.reduce((t, p) => t + p.y, 0) / pts.length;
    const vx = pts.reduce((t, p) => t + (p.x - mx) ** 2, 0);
    const vy = pts.reduce((t, p) => t + (p.y - my) ** 2, 0);
    const cxy = pts.reduce((t, p) => t + (p.x - mx) * (p.y - my), 0);
    expect(vx).toBeGreaterThanOrEqual(vy);
    expect(Math.abs(cxy) / Math.sqrt(vx * vy)).toBeLessThan(1e-3);
    for (let k = 0; k < emb.dim; k++) {
      let m = 0;
      for (let i = 0; i < emb.ids.length; i++) m += emb.data[i * emb.dim + k]!;
      m /= emb.ids.length;
      let v = 0;
      for (let i = 0; i < emb.ids.length; i++) v += (emb.data[i * emb.dim + k]! - m) ** 2;
      expect(v).toBeLessThanOrEqual(vx * (1 + 1e-4));
    }
    const o = await svc.invoke('order:run', { strategy: 'fps-medoid' });
    const queued = store.listImages({ status: 'ready' }).filter((i) => !i.inTestSplit && i.duplicateOf === null).length;
    expect(queued).toBeGreaterThan(20);
    expect(o.length).toBe(queued);
  }, 60_000);

  it('a cancelled embed with another embedder leaves the setting and the embeddings as they were', async () => {
    const store = svc!.project;
    const before = store.getEmbeddings()!;
    let jobId: number | null = null;
    const off = svc!.onEvent((name, payload) => {
      const p = payload as unknown as { jobId: number; stage: string; done: number };
      if (name === 'job:progress' && p.stage === 'embed' && p.done >= 1 && jobId === null) {
        jobId = p.jobId;
        void svc!.invoke('job:cancel', { jobId: p.jobId as never });
      }
    });
    await expect(svc!.invoke('embed:run', { embedder: 'autoencoder', epochs: 500, backend: 'wasm' })).rejects.toThrow(/cancelled/);
    off();
    expect(jobId).not.toBeNull();
    expect(store.settings.embedder).toBe('polar-fourier');
    expect(store.embeddingInfo()?.source).toBe('polar-fourier');
    expect(Array.from(store.getEmbeddings()!.data)).toEqual(Array.from(before.data));
  }, 120_000);
});
